import ExerciseKit

/// A TF2 CNN submission registers only its function set.
public func registerSubmission(_ registry: SubmissionRegistry) {
    registerTF2CNN(registry)
}
