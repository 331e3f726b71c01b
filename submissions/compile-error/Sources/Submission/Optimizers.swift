import ExerciseKit

// A type error on line 6: the grader must report it with the file and line.
public final class Sgd: Optimizer {
    public init() {}
    let learningRate: Double = "fast"
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor { weightTensor }
    public func copy() -> any Optimizer { Sgd() }
}

public func registerSubmission(_ registry: SubmissionRegistry) {}
