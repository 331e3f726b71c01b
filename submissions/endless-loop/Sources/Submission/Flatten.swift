import ExerciseKit

// Flatten.forward never returns: its loop forgets to advance. Sgd is right, so TestOptimizers2's
// first result is known at once while TestFlatten waits for its limit.

public final class Flatten: Layer {
    public let trainable = false
    private var inputShape: [Int] = []
    public init() {}
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        inputShape = inputTensor.shape
        var features = 1
        var axis = 1
        while axis < inputTensor.rank {
            features = inputTensor.shape[1...axis].reduce(1, *)  // the bug: axis never advances
        }
        return inputTensor.reshaped([inputTensor.shape[0], features])
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor { errorTensor.reshaped(inputShape) }
}

public final class Sgd: Optimizer {
    let learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }
    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor - gradientTensor * learningRate
    }
    public func copy() -> any Optimizer { Sgd(learningRate: learningRate) }
}

public func registerSubmission(_ registry: SubmissionRegistry) {
    registry.sgd = { Sgd(learningRate: $0) }
    registry.flatten = { Flatten() }
}
