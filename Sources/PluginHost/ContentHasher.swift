import Crypto
import Foundation

/// SHA-256 (swift-crypto's) for content hashes of submissions and build-cache keys: a key must
/// not collide even for a student who tries, so no weak hash. Written as text ("file NAME SIZE\n"
/// then the bytes) so that a hash names exactly what it covered.
struct ContentHasher {
    private var digest = Crypto.SHA256()

    mutating func update(_ string: String) { digest.update(data: Data(string.utf8)) }
    mutating func update(_ data: Data) { digest.update(data: data) }
    mutating func update(_ bytes: [UInt8]) { digest.update(data: bytes) }

    /// The digest as 64 lowercase hex digits.
    func finalize() -> String {
        digest.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
