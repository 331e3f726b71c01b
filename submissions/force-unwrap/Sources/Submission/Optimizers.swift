import ExerciseKit

// SgdWithMomentum force-unwraps a velocity it never set: the report names line 25 and the
// runtime's message. Sgd is right; Adam is not registered.

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
    var velocity: Tensor?
    public init(learningRate: Double, momentumRate: Double) {
        self.learningRate = learningRate
        self.momentumRate = momentumRate
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        // The bug: velocity is nil on the first call (it should start at zeros).
        let previous = velocity
        let next = previous! * momentumRate - gradientTensor * learningRate
        velocity = next
        return weightTensor + next
    }
    public func copy() -> any Optimizer { SgdWithMomentum(learningRate: learningRate, momentumRate: momentumRate) }
}

