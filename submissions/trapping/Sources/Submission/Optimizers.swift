import ExerciseKit

// Sgd and SgdWithMomentum are right; Adam reads past the end of an array and traps (SIGILL).

public final class Sgd: Optimizer {
    let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor - gradientTensor * learningRate
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}

public final class SgdWithMomentum: Optimizer {
    let learningRate: Double, momentumRate: Double
    var velocity = 0.0
    public init(learningRate: Double, momentumRate: Double) {
        self.learningRate = learningRate
        self.momentumRate = momentumRate
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        velocity = momentumRate * velocity - learningRate * gradientTensor.scalar
        return weightTensor + velocity
    }
    public func copy() -> any Optimizer { SgdWithMomentum(learningRate: learningRate, momentumRate: momentumRate) }
}

public final class Adam: Optimizer {
    var moments: [Double] = []
    public init(learningRate: Double, mu: Double, rho: Double) {}
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        print("Adam: about to read moments[\(gradientTensor.count)]")
        return weightTensor + moments[gradientTensor.count]  // index out of range: a Swift trap
    }
    public func copy() -> any Optimizer { Adam(learningRate: 0, mu: 0, rho: 0) }
}
