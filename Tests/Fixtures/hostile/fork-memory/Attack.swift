import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Forks four children that each touch 2.5 GiB and waits for them; "escaped" when any child
/// finished, that is when the whole tree held more than the submission's memory limit.
func containmentProbe() -> Bool {
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
    return finished > 0
}
