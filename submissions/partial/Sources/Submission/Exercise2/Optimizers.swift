import ExerciseKit
import Foundation

public final class Sgd: Optimizer {
    public let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor - gradientTensor * learningRate
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}

public final class SgdWithMomentum: Optimizer {
    public let learningRate: Double
    public let momentumRate: Double
    var v: Tensor?
    public init(learningRate: Double, momentumRate: Double) {
        self.learningRate = learningRate
        self.momentumRate = momentumRate
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let velocity = (v ?? Tensor(zeros: gradientTensor.shape)) * momentumRate - gradientTensor * learningRate
        v = velocity
        return weightTensor + velocity
    }
    public func copy() -> any Optimizer { SgdWithMomentum(learningRate: learningRate, momentumRate: momentumRate) }
}

public final class Adam: Optimizer {
    public let learningRate: Double
    public let mu: Double
    public let rho: Double
    var v: Tensor?
    var r: Tensor?
    var k = 0.0
    public init(learningRate: Double, mu: Double, rho: Double) {
        self.learningRate = learningRate
        self.mu = mu
        self.rho = rho
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        k += 1
        let g = gradientTensor
        let newV = (v ?? Tensor(zeros: g.shape)) * mu + g * (1 - mu)
        let newR = (r ?? Tensor(zeros: g.shape)) * rho + (g * g) * (1 - rho)
        v = newV
        r = newR
        let vHat = newV / (1 - pow(mu, k))
        let rHat = newR / (1 - pow(rho, k))
        return weightTensor - (vHat / (rHat.map { sqrt($0) } + 1e-8)) * learningRate
    }
    public func copy() -> any Optimizer { Adam(learningRate: learningRate, mu: mu, rho: rho) }
}
