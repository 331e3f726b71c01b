import ExerciseKit

/// hw5's functional API: called by `registerSubmission` (Registration.swift).
func registerHW5(_ registry: SubmissionRegistry) {
    registry.functional = Functional()
}
