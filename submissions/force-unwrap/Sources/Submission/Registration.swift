import ExerciseKit

/// Registers Sgd and SgdWithMomentum: every other check fails with "not registered".
public func registerSubmission(_ registry: SubmissionRegistry) {
    registry.sgd = { Sgd(learningRate: $0) }
    registry.sgdWithMomentum = { SgdWithMomentum(learningRate: $0, momentumRate: $1) }
}
