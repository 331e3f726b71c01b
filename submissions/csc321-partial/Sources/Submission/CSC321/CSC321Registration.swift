import ExerciseKit

/// The CSC321 assignment's function set: called by `registerSubmission` (Registration.swift).
func registerCSC321(_ registry: SubmissionRegistry) {
    registry.register(CSC321())
}
