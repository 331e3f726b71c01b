import ExerciseKit

/// y = [x, 1]·W, W of shape (inputSize + 1, outputSize), the bias in the last row.
public final class FullyConnected: FullyConnectedLayer {
    public let trainable = true
    public let inputSize: Int
    public let outputSize: Int
    public var weights: Tensor
    public var gradientWeights: Tensor
    public var optimizer: (any Optimizer)?

    public init(inputSize: Int, outputSize: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        weights = Tensor(zeros: [inputSize + 1, outputSize])  // TODO: uniform in [0, 1)
        gradientWeights = Tensor(zeros: [inputSize + 1, outputSize])
    }
    public func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        throw ExerciseError.notImplemented("FullyConnected.initialize")
    }
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("FullyConnected.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("FullyConnected.backward")
    }
}
