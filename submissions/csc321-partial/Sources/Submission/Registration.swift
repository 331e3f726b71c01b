import ExerciseKit

/// A CSC321 submission registers only its function set.
public func registerSubmission(_ registry: SubmissionRegistry) {
    registerCSC321(registry)
}
