import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes up to 2 GiB as 63 MiB files into `folder`; returns the bytes that were written.
func fill(_ folder: String, name: String) -> Int {
    let chunk = [UInt8](repeating: 7, count: 1 << 20)
    var total = 0
    for file in 0..<33 {
        let fd = open("\(folder)/\(name)-\(file).bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { break }
        var full = false
        for _ in 0..<63 {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { full = true; break }
            total += written
        }
        close(fd)
        if full { break }
    }
    return total
}

/// "Escaped" when more than 1 GiB fit in /tmp (host memory, before).
func containmentProbe() -> Bool {
    let written = fill("/tmp", name: "tmp-fill")
    print("tmp-fill: wrote \(written >> 20) MiB into /tmp")
    return written > 1 << 30
}
