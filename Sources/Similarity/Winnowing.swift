/// Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003, as MOSS and Dolos use it): hash every
/// k tokens, keep the smallest hash of every `window` consecutive ones. Any run of at least
/// k + window − 1 tokens two files share yields at least one fingerprint they share, whatever
/// surrounds it: a reordered copy keeps the fingerprints inside each of its pieces.
public enum Winnowing {
    /// Dolos's defaults (k-gram 23 tokens, 17 k-grams a window): a shared run of 39 tokens, about
    /// three lines of Swift, is always found.
    public static let defaultK = 23
    public static let defaultWindow = 17

    /// A selected k-gram: its hash and where it starts in the token stream.
    public struct Selected: Sendable, Equatable {
        public let hash: UInt64
        public let position: Int
    }

    /// The fingerprints of one token stream.
    public static func fingerprints(_ tokens: [UInt32], k: Int = defaultK, window: Int = defaultWindow) -> [Selected] {
        let hashes = kgramHashes(tokens, k: k)
        guard !hashes.isEmpty else { return [] }
        guard hashes.count > window else {
            // Shorter than one window: its minimum stands for it.
            let position = hashes.indices.min { (hashes[$0], $1) < (hashes[$1], $0) }!
            return [Selected(hash: hashes[position], position: position)]
        }
        var selected: [Selected] = []
        var last = -1
        for start in 0...(hashes.count - window) {
            // The rightmost minimum: a window that slides keeps its choice while it stays inside.
            var best = start
            for index in start..<(start + window) where hashes[index] <= hashes[best] { best = index }
            if best != last {
                selected.append(Selected(hash: hashes[best], position: best))
                last = best
            }
        }
        return selected
    }

    /// A rolling polynomial hash of each k consecutive tokens, mixed so that minima spread evenly.
    static func kgramHashes(_ tokens: [UInt32], k: Int) -> [UInt64] {
        guard tokens.count >= k else { return [] }
        let base: UInt64 = 1_000_003
        var power: UInt64 = 1
        for _ in 1..<k { power = power &* base }
        var hash: UInt64 = 0
        for index in 0..<k { hash = hash &* base &+ UInt64(tokens[index]) }
        var hashes = [UInt64](repeating: 0, count: tokens.count - k + 1)
        hashes[0] = mix(hash)
        for index in 1..<hashes.count {
            hash = (hash &- UInt64(tokens[index - 1]) &* power) &* base &+ UInt64(tokens[index + k - 1])
            hashes[index] = mix(hash)
        }
        return hashes
    }

    /// splitmix64's finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
