/// A precondition whose message survives `-O`. Submissions are compiled optimised, where Swift's
/// `precondition` traps without its message; a student whose shapes are wrong must read which
/// shapes ("Shapes [3] and [2] differ"), and the grader shows the worker's last output.
@inlinable @inline(__always)
func ensure(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
            file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition()) { ensureFailed(message(), file: file, line: line) }
}

/// Out of line: the failure path costs nothing on the inlined fast path.
@usableFromInline @inline(never)
func ensureFailed(_ message: String, file: StaticString, line: UInt) -> Never {
    fatalError(message, file: file, line: line)
}
