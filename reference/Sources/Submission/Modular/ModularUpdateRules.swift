import ExerciseKit
import Foundation

/// The four update rules; the config carries their state.
extension Modular {
    private func checked(_ w: Tensor, _ dw: Tensor, _ rule: String) throws {
        guard w.shape == dw.shape else { throw ExerciseError.invalidShape("\(rule): w \(w.shape), dw \(dw.shape)") }
    }

    public func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try checked(w, dw, "sgd")
        return (w - config.learningRate * dw, config)
    }

    public func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try checked(w, dw, "sgdMomentum")
        var config = config
        let velocity = config.momentum * (config.velocity ?? Tensor(zeros: w.shape)) - config.learningRate * dw
        config.velocity = velocity
        return (w + velocity, config)
    }

    public func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try checked(w, dw, "rmsprop")
        var config = config
        let (decay, rate, epsilon) = (config.decayRate, config.learningRate, config.epsilon)
        let cache = (config.cache ?? Tensor(zeros: w.shape)).zipWith(dw) { decay * $0 + (1 - decay) * $1 * $1 }
        config.cache = cache
        var next = w
        for i in next.scalars.indices { next.scalars[i] -= rate * dw.scalars[i] / (cache.scalars[i].squareRoot() + epsilon) }
        return (next, config)
    }

    public func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try checked(w, dw, "adam")
        var config = config
        let (beta1, beta2) = (config.beta1, config.beta2)
        config.t += 1
        let m = (config.m ?? Tensor(zeros: w.shape)).zipWith(dw) { beta1 * $0 + (1 - beta1) * $1 }
        let v = (config.v ?? Tensor(zeros: w.shape)).zipWith(dw) { beta2 * $0 + (1 - beta2) * $1 * $1 }
        (config.m, config.v) = (m, v)
        let (correction1, correction2) = (1 - pow(beta1, Double(config.t)), 1 - pow(beta2, Double(config.t)))
        var next = w
        for i in next.scalars.indices {
            next.scalars[i] -= config.learningRate * (m.scalars[i] / correction1) / ((v.scalars[i] / correction2).squareRoot() + config.epsilon)
        }
        return (next, config)
    }
}
