import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// "Escaped" when more than 1 GiB fit in /tmp (host memory, before).
func containmentProbe() -> Bool {
    let written = fill("/tmp", name: "tmp-fill")
    print("tmp-fill: wrote \(written >> 20) MiB into /tmp")
    return written > 1 << 30
}
