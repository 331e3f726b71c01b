import ExerciseKit

/// Registers only the optimizers: every other check fails with "not registered".
public func registerSubmission(_ registry: SubmissionRegistry) {
    registry.sgd = { Sgd(learningRate: $0) }
    registry.sgdWithMomentum = { SgdWithMomentum(learningRate: $0, momentumRate: $1) }
    registry.adam = { Adam(learningRate: $0, mu: $1, rho: $2) }
}
