/// One of an exercise's stated requirements and the checks that fail when one of them is violated
/// (issue 12, point 4). From the test files and task sheets (../shared/spec/exercise-spec.md
/// §1, §5, §6) and the conventions ExerciseKit's documentation states. Where an exercise
/// leaves a real choice, `accepted` says which answers pass.
public struct Requirement: Sendable, Equatable {
    public let id: String
    public let text: String
    /// `Group.check` ids.
    public let checks: [String]
    /// For a requirement with a real choice: the answers that pass, and the check that confirms it.
    public let accepted: String?

    public init(_ id: String, _ text: String, _ checks: [String], accepted: String? = nil) {
        self.id = id
        self.text = text
        self.checks = checks
        self.accepted = accepted
    }
}
