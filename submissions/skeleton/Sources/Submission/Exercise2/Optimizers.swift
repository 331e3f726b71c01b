import ExerciseKit

// Optimizers (see ExerciseKit/README.md, "Optimizers"). Each object keeps the state of one tensor.

/// w − η·g.
public final class Sgd: Optimizer {
    public let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Sgd.calculateUpdate")
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}

/// v ← μ·v − η·g; w + v.
public final class SgdWithMomentum: Optimizer {
    public let learningRate: Double
    public let momentumRate: Double
    public init(learningRate: Double, momentumRate: Double) {
        self.learningRate = learningRate
        self.momentumRate = momentumRate
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("SgdWithMomentum.calculateUpdate")
    }
    public func copy() -> any Optimizer { SgdWithMomentum(learningRate: learningRate, momentumRate: momentumRate) }
}

/// Adam with bias correction, ε = 1e-8 after the square root.
public final class Adam: Optimizer {
    public let learningRate: Double
    public let mu: Double
    public let rho: Double
    public init(learningRate: Double, mu: Double, rho: Double) {
        self.learningRate = learningRate
        self.mu = mu
        self.rho = rho
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Adam.calculateUpdate")
    }
    public func copy() -> any Optimizer { Adam(learningRate: learningRate, mu: mu, rho: rho) }
}
