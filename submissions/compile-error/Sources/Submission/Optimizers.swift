import ExerciseKit

// A type error on line 6 (and another in Initializers.swift): the grader reports both, by file.
public final class Sgd: Optimizer {
    public init() {}
    let learningRate: Double = "fast"
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor { weightTensor }
    public func copy() -> any Optimizer { Sgd() }
}

public func registerSubmission(_ registry: SubmissionRegistry) {}
