import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// "Escaped" when a descriptor other than 0–2 and the worker's two channel pipes is open (a TA
/// shell's file, another job's pipe).
func attackOnce() -> Bool {
    var pipes = 0, others: [String] = []
    for fd in Int32(3)..<4096 where fcntl(fd, F_GETFD) >= 0 {
        var info = stat()
        fstat(fd, &info)
        if (info.st_mode & S_IFMT) == S_IFIFO { pipes += 1 } else { others.append("\(fd)") }
    }
    print("descriptor-probe: \(pipes) pipes, other descriptors: \(others)")
    return pipes > 2 || !others.isEmpty
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
