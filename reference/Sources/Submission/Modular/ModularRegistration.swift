import ExerciseKit

/// The modular exercise's function set: called by `registerSubmission` (Registration.swift).
func registerModular(_ registry: SubmissionRegistry) {
    registry.register(Modular())
}
