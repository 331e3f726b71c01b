import ExerciseKit

/// A modular-exercise submission registers only its function set.
public func registerSubmission(_ registry: SubmissionRegistry) {
    registry.register(Modular())
}
