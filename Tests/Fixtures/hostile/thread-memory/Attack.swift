import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Eight threads of the worker (threads are allowed: no fork to refuse) each map and touch
/// 256 MiB at once; "escaped" when all eight finished: the process held 2 GiB, more than the
/// containment test's 1 GiB for the submission. Under its address-space rlimit (4 GiB), so only
/// the control group, which counts every thread's pages, stops it (the kernel kills the worker).
func attackOnce() -> Bool {
    let count = 8
    let done = UnsafeMutablePointer<Int32>.allocate(capacity: count)  // one slot per thread: no atomics
    done.initialize(repeating: 0, count: count)
    var threads: [pthread_t] = []
    for index in 0..<count {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { slot in
            let size = 256 << 20
            guard let block = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), block != MAP_FAILED else { return nil }
            memset(block, 1, size)
            sleep(1)
            munmap(block, size)
            slot?.assumingMemoryBound(to: Int32.self).pointee = 1
            return nil
        }, done + index)
        if started == 0 { threads.append(thread) }
    }
    for thread in threads { pthread_join(thread, nil) }
    let finished = (0..<count).filter { done[$0] == 1 }.count
    print("thread-memory: \(finished) of \(count) threads touched 256 MiB")
    return finished == count
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
