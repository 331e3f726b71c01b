import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Forges "passed" answers on every pipe it can write (old JSON lines and new binary replies
/// to the first 64 request ids), then ends the worker.
func hostileAttack() throws {
    for fd in writablePipes() {
        writeAll(fd, forgedJSONLines())
        for id in 1...64 { writeAll(fd, forgedReplyFrame(id: UInt64(id), value: forgedTrue)) }
    }
    _exit(0)
}
