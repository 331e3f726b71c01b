import ExerciseKit

/// Problem 4.2: update rules. Return the next weights and the config with the rule's new state.
extension Modular {
    /// Given: vanilla stochastic gradient descent.
    public func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        (w - config.learningRate * dw, config)
    }
    public func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        throw ExerciseError.notImplemented("sgdMomentum")
    }
    public func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        throw ExerciseError.notImplemented("rmsprop")
    }
    public func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        throw ExerciseError.notImplemented("adam")
    }
}
