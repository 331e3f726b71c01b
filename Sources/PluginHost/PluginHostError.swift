/// What can go wrong on the host side before a check runs.
public enum PluginHostError: Error, Equatable, CustomStringConvertible {
    case spawnFailed(command: String, reason: String)
    case exerciseKitNotFound(searched: [String])
    case notASubmission(path: String, reason: String)
    /// The compiler was stopped from outside (a signal, no compiler error): the grader's or the
    /// machine's doing, so it is never recorded as the student's result.
    case compilerStopped(signal: String)
    /// The build cache cannot be written: the grader's set-up, not the submission.
    case cacheUnwritable(path: String, reason: String)
    /// An environment setting the grader cannot use; the text names it and the fix.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .spawnFailed(let command, let reason):
            return "could not start \(command): \(reason)"
        case .exerciseKitNotFound(let searched):
            return "the built ExerciseKit was not found (looked in \(searched.joined(separator: ", "))): run `make build`"
        case .notASubmission(let path, let reason):
            return "\(path) is not a submission: \(reason)"
        case .cacheUnwritable(let path, let reason):
            return "the build cache \(path) cannot be written (\(reason)): set GRADER_CACHE to a writable folder or fix its permissions"
        case .invalidSetting(let text):
            return text
        case .compilerStopped(let signal):
            return "the compiler was stopped by \(signal) before it finished (not a compile error of the submission: the grader or the machine stopped it); it is compiled again on the next run"
        }
    }
}
