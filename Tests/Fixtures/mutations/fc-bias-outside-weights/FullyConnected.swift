import ExerciseKit

/// MUTATION: the bias is a separate (1, out) tensor, weights are (in, out).
public final class FullyConnected: FullyConnectedLayer {
    public let trainable = true
    public let inputSize: Int
    public let outputSize: Int
    public var weights: Tensor
    public var bias: Tensor
    public private(set) var gradientWeights: Tensor
    public var optimizer: (any Optimizer)?
    private var input = Tensor(zeros: [0, 0])

    public init(inputSize: Int, outputSize: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        weights = RandomSource.shared.uniform(shape: [inputSize, outputSize])
        bias = RandomSource.shared.uniform(shape: [1, outputSize])
        gradientWeights = Tensor(zeros: [inputSize, outputSize])
    }

    public func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        weights = try weightsInitializer.initialize(weightsShape: [inputSize, outputSize], fanIn: inputSize, fanOut: outputSize)
        bias = try biasInitializer.initialize(weightsShape: [1, outputSize], fanIn: 1, fanOut: outputSize)
    }

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        input = inputTensor
        var output = inputTensor.matmul(weights)
        for row in 0..<inputTensor.shape[0] {
            for column in 0..<outputSize { output[row, column] += bias[0, column] }
        }
        return output
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        gradientWeights = input.transposed().matmul(errorTensor)
        let inputError = errorTensor.matmul(weights.transposed())
        if let optimizer {
            weights = try optimizer.calculateUpdate(weightTensor: weights, gradientTensor: gradientWeights)
        }
        return inputError
    }
}
