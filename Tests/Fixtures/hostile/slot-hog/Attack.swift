import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sleeps 9.5 s: just under a check's timeout, every time.
func containmentProbe() -> Bool {
    usleep(9_500_000)
    return false
}

/// Sleeps 29 s while the worker loads: just under the load timeout.
func hostileLoadDelay() {
    sleep(29)
}
