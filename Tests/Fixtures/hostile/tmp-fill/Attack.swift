import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// "Escaped" when more than 1 GiB fit in /tmp (host memory, before).
func attackOnce() -> Bool {
    let written = fill("/tmp", name: "tmp-fill")
    print("tmp-fill: wrote \(written >> 20) MiB into /tmp")
    return written > 1 << 30
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
