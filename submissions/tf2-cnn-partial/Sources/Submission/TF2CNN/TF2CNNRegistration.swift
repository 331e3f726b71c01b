import ExerciseKit

/// The TF2 CNN assignment's function set: called by `registerSubmission` (Registration.swift).
func registerTF2CNN(_ registry: SubmissionRegistry) {
    registry.register(TF2CNN())
}
