/// What can go wrong on the host side before a check runs.
public enum PluginHostError: Error, Equatable, CustomStringConvertible {
    case spawnFailed(command: String, reason: String)
    case exerciseKitNotFound(searched: [String])
    case notASubmission(path: String, reason: String)

    public var description: String {
        switch self {
        case .spawnFailed(let command, let reason):
            return "could not start \(command): \(reason)"
        case .exerciseKitNotFound(let searched):
            return "the built ExerciseKit was not found (looked in \(searched.joined(separator: ", "))): run `make build`"
        case .notASubmission(let path, let reason):
            return "\(path) is not a submission: \(reason)"
        }
    }
}
