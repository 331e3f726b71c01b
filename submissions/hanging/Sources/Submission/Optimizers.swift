import ExerciseKit

// Sgd never returns (an endless loop); SgdWithMomentum and Adam are right.

public final class Sgd: Optimizer {
    let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        var step = weightTensor
        while step.scalars.allSatisfy(\.isFinite) {  // always true: never terminates
            step = step * 1.0
        }
        return step
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
    let learningRate: Double, mu: Double, rho: Double
    var v = 0.0, r = 0.0, k = 0
    public init(learningRate: Double, mu: Double, rho: Double) {
        (self.learningRate, self.mu, self.rho) = (learningRate, mu, rho)
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let g = gradientTensor.scalar
        k += 1
        v = mu * v + (1 - mu) * g
        r = rho * r + (1 - rho) * g * g
        let vHat = v / (1 - Self.power(mu, k))
        let rHat = r / (1 - Self.power(rho, k))
        return weightTensor - learningRate * vHat / (rHat.squareRoot() + 1e-8)
    }
    static func power(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1) { value, _ in value * x } }
    public func copy() -> any Optimizer { Adam(learningRate: learningRate, mu: mu, rho: rho) }
}
