import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes 2 GiB to stderr; "escaped" if all of it was taken.
func containmentProbe() -> Bool {
    let line = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
    var total = 0
    for _ in 0..<2048 {
        let written = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written <= 0 { break }
        total += written
    }
    return total >= 2 << 30
}
