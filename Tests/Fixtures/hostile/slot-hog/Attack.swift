import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sleeps 25 s: no CPU, so not stopped by a check's CPU limit, only under its wall-clock backstop (3 × 10 + 10 s).
func containmentProbe() -> Bool {
    usleep(25_000_000)
    return false
}

/// Sleeps 29 s while the worker loads: just under the load timeout.
func hostileLoadDelay() {
    sleep(29)
}
