import ExerciseKit

/// Plain stochastic gradient descent: w − η·g.
public final class Sgd: Optimizer {
    public let learningRate: Double
    public init(learningRate: Double) {
        precondition(learningRate >= 0, "Learning rate must be non-negative")
        self.learningRate = learningRate
    }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g }
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}

/// SGD with momentum (Polyak 1964): v ← μ·v − η·g, w + v, with v starting at 0.
public final class SgdWithMomentum: Optimizer {
    public let learningRate: Double
    public let momentumRate: Double
    private var velocity: Tensor?

    public init(learningRate: Double, momentumRate: Double) {
        precondition(learningRate >= 0, "Learning rate must be non-negative")
        precondition(momentumRate >= 0 && momentumRate < 1, "Momentum must be in [0, 1)")
        self.learningRate = learningRate
        self.momentumRate = momentumRate
    }

    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let previous = velocity ?? Tensor(zeros: gradientTensor.shape)
        let v = previous.zipWith(gradientTensor) { v, g in momentumRate * v - learningRate * g }
        velocity = v
        return weightTensor + v
    }

    public func copy() -> any Optimizer {
        SgdWithMomentum(learningRate: learningRate, momentumRate: momentumRate)
    }
}

/// Adam (Kingma & Ba 2015) with bias correction; ε = 1e-8 is added after the square root.
public final class Adam: Optimizer {
    public let learningRate: Double
    public let mu: Double
    public let rho: Double
    private let epsilon = 1e-8
    private var firstMoment: [Double] = []
    private var secondMoment: [Double] = []
    private var step = 0

    public init(learningRate: Double, mu: Double, rho: Double) {
        precondition(learningRate >= 0, "Learning rate must be non-negative")
        precondition(mu >= 0 && mu < 1 && rho >= 0 && rho < 1, "mu and rho must be in [0, 1)")
        self.learningRate = learningRate
        self.mu = mu
        self.rho = rho
    }

    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let g = gradientTensor.scalars
        if firstMoment.count != g.count {
            firstMoment = Array(repeating: 0, count: g.count)
            secondMoment = firstMoment
        }
        step += 1
        let muCorrection = 1 - power(mu, step)
        let rhoCorrection = 1 - power(rho, step)
        var w = weightTensor.scalars
        for i in w.indices {
            firstMoment[i] = mu * firstMoment[i] + (1 - mu) * g[i]
            secondMoment[i] = rho * secondMoment[i] + (1 - rho) * g[i] * g[i]
            let vHat = firstMoment[i] / muCorrection
            let rHat = secondMoment[i] / rhoCorrection
            w[i] -= learningRate * vHat / (rHat.squareRoot() + epsilon)
        }
        return Tensor(shape: weightTensor.shape, scalars: w)
    }

    public func copy() -> any Optimizer { Adam(learningRate: learningRate, mu: mu, rho: rho) }
}

/// `pow` for an integer exponent without Foundation.
func power(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
}
