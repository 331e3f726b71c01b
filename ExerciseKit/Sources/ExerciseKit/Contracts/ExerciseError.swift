/// Errors a submission throws to say it cannot do something (yet).
///
/// The skeleton's functions all `throw ExerciseError.notImplemented("Adam.calculateUpdate")`;
/// the grader reports the check as failed with "not implemented: Adam.calculateUpdate".
public enum ExerciseError: Error, Equatable, CustomStringConvertible {
    /// The named function or type is still the skeleton's.
    case notImplemented(String)
    /// An argument has a shape the function cannot work with.
    case invalidShape(String)

    public var description: String {
        switch self {
        case .notImplemented(let what): return "not implemented: \(what)"
        case .invalidShape(let what): return "invalid shape: \(what)"
        }
    }
}
