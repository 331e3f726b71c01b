import ExerciseKit

// Sgd subtracts a tensor of the wrong shape: ExerciseKit stops it with both shapes, and the
// report names line 10. Only Sgd is registered.

public final class Sgd: Optimizer {
    let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor - Tensor([1, 2, 3]) * learningRate
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}
