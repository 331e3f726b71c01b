import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts up to 1,000 threads that each sleep 1 s, then joins them; "escaped" when all started:
/// no limit counted threads (the containment test allows 128 processes and threads in all).
/// A refused thread (EAGAIN) is no escape, and the worker carries on once the others end.
func attackOnce() -> Bool {
    var threads: [pthread_t] = []
    for _ in 0..<1000 {
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { _ in sleep(1); return nil }, nil) == 0 else { break }
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
    print("thread-flood: started \(threads.count) of 1000 threads")
    return threads.count == 1000
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
