import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Forks four children that each touch 2.5 GiB and waits for them; "escaped" when all four
/// started and finished: the tree held 10 GiB at once, more than any submission's memory limit
/// (with per-process limits only, it did: 9 GB of the host in one check). A refused fork is no escape.
func attackOnce() -> Bool {
    var children: [pid_t] = []
    for _ in 0..<4 {
        let pid = fork()
        if pid == 0 {
            let size = 5 << 29
            guard let block = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), block != MAP_FAILED else { _exit(1) }
            memset(block, 1, size)
            sleep(1)
            _exit(0)
        }
        if pid > 0 { children.append(pid) }
    }
    var finished = 0
    for child in children {
        var status: Int32 = 0
        waitpid(child, &status, 0)
        if status == 0 { finished += 1 }
    }
    print("fork-memory: \(finished) of \(children.count) children touched 2.5 GiB")
    return children.count == 4 && finished == 4
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
