/// A failed precondition whose message survives `-O`. Submissions are compiled optimised, where
/// Swift's `precondition` traps without its message; a student whose shapes are wrong must read
/// which shapes ("Shapes [3] and [2] differ"), and the grader shows the worker's last output.
///
/// Call sites test the condition themselves, `if _slowPath(!condition) { ensureFailed("…") }`:
/// the message is built only when it fails. (A helper taking the message as an autoclosure made
/// the subscript-style hw5 sample 2–4x slower: the closure's captures cost on every call.)
@usableFromInline @inline(never)
func ensureFailed(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
