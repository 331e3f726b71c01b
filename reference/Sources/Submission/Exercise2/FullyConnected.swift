import ExerciseKit

/// y = [x, 1]·W with the bias as the last row of W, shape (input + 1, output).
public final class FullyConnected: FullyConnectedLayer {
    public let trainable = true
    public let inputSize: Int
    public let outputSize: Int
    public var weights: Tensor
    public private(set) var gradientWeights: Tensor
    public var optimizer: (any Optimizer)?
    private var augmentedInput = Tensor(zeros: [0, 0])

    public init(inputSize: Int, outputSize: Int) {
        precondition(inputSize > 0 && outputSize > 0, "Layer sizes must be positive")
        self.inputSize = inputSize
        self.outputSize = outputSize
        weights = RandomSource.shared.uniform(shape: [inputSize + 1, outputSize])
        gradientWeights = Tensor(zeros: [inputSize + 1, outputSize])
    }

    public func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        let w = try weightsInitializer.initialize(
            weightsShape: [inputSize, outputSize], fanIn: inputSize, fanOut: outputSize)
        let b = try biasInitializer.initialize(weightsShape: [1, outputSize], fanIn: 1, fanOut: outputSize)
        weights = Tensor(shape: [inputSize + 1, outputSize], scalars: w.scalars + b.scalars)
    }

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        guard inputTensor.rank == 2, inputTensor.shape[1] == inputSize else {
            throw ExerciseError.invalidShape("FullyConnected(\(inputSize), \(outputSize)) got \(inputTensor.shape)")
        }
        let batch = inputTensor.shape[0]
        var augmented = [Double]()
        augmented.reserveCapacity(batch * (inputSize + 1))
        for row in 0..<batch {
            augmented.append(contentsOf: inputTensor.scalars[(row * inputSize)..<((row + 1) * inputSize)])
            augmented.append(1)
        }
        augmentedInput = Tensor(shape: [batch, inputSize + 1], scalars: augmented)
        return augmentedInput.matmul(weights)
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        gradientWeights = augmentedInput.transposed().matmul(errorTensor)
        let fullError = errorTensor.matmul(weights.transposed())
        let batch = errorTensor.shape[0]
        var inputError = [Double]()
        inputError.reserveCapacity(batch * inputSize)
        for row in 0..<batch {
            let start = row * (inputSize + 1)
            inputError.append(contentsOf: fullError.scalars[start..<(start + inputSize)])
        }
        if let optimizer {
            weights = try optimizer.calculateUpdate(weightTensor: weights, gradientTensor: gradientWeights)
        }
        return Tensor(shape: [batch, inputSize], scalars: inputError)
    }
}
