import ExerciseKit

/// sgd (given), sgdMomentum and rmsprop done; adam not yet.
extension Modular {
    public func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        (w - config.learningRate * dw, config)
    }

    public func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        var config = config
        let v = config.momentum * (config.velocity ?? Tensor(zeros: w.shape)) - config.learningRate * dw
        config.velocity = v
        return (w + v, config)
    }

    public func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        var config = config
        var cache = config.cache ?? Tensor(zeros: w.shape)
        var next = w
        for i in 0..<w.count {
            cache.scalars[i] = config.decayRate * cache.scalars[i] + (1 - config.decayRate) * dw.scalars[i] * dw.scalars[i]
            next.scalars[i] -= config.learningRate * dw.scalars[i] / (cache.scalars[i].squareRoot() + config.epsilon)
        }
        config.cache = cache
        return (next, config)
    }

    public func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        throw ExerciseError.notImplemented("adam")
    }
}
