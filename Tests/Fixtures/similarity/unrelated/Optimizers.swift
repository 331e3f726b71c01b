import ExerciseKit
import Foundation

// Written apart from every other solution in this repository: the similarity test's honest
// student, who must pair with nobody.

/// Plain gradient descent, scalar by scalar.
public final class Sgd: Optimizer {
    let rate: Double
    public init(learningRate: Double) { rate = learningRate }

    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        var next = weightTensor
        for i in 0..<next.count {
            next.scalars[i] -= rate * gradientTensor.scalars[i]
        }
        return next
    }

    public func copy() -> any Optimizer { Sgd(learningRate: rate) }
}

/// Velocity kept between calls: v ← m·v − η·g, w ← w + v.
public final class SgdWithMomentum: Optimizer {
    let rate: Double
    let momentum: Double
    private var velocity: [Double] = []

    public init(learningRate: Double, momentumRate: Double) {
        rate = learningRate
        momentum = momentumRate
    }

    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        if velocity.count != gradientTensor.count { velocity = Array(repeating: 0, count: gradientTensor.count) }
        var next = weightTensor
        for i in velocity.indices {
            velocity[i] = momentum * velocity[i] - rate * gradientTensor.scalars[i]
            next.scalars[i] += velocity[i]
        }
        return next
    }

    public func copy() -> any Optimizer { SgdWithMomentum(learningRate: rate, momentumRate: momentum) }
}

/// Adam with both moments bias-corrected by the step count.
public final class Adam: Optimizer {
    let rate: Double
    let beta1: Double
    let beta2: Double
    private var first: [Double] = []
    private var second: [Double] = []
    private var step = 0

    public init(learningRate: Double, mu: Double, rho: Double) {
        rate = learningRate
        beta1 = mu
        beta2 = rho
    }

    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let n = gradientTensor.count
        if first.count != n {
            first = Array(repeating: 0, count: n)
            second = Array(repeating: 0, count: n)
        }
        step += 1
        let correction1 = 1 - pow(beta1, Double(step))
        let correction2 = 1 - pow(beta2, Double(step))
        var next = weightTensor
        for i in 0..<n {
            let g = gradientTensor.scalars[i]
            first[i] = beta1 * first[i] + (1 - beta1) * g
            second[i] = beta2 * second[i] + (1 - beta2) * g * g
            let mean = first[i] / correction1
            let spread = second[i] / correction2
            next.scalars[i] -= rate * mean / (spread.squareRoot() + 1e-8)
        }
        return next
    }

    public func copy() -> any Optimizer { Adam(learningRate: rate, mu: beta1, rho: beta2) }
}
