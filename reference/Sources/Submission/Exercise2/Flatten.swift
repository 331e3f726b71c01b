import ExerciseKit

/// Reshapes (b, …) to (b, features) and back.
public final class Flatten: Layer {
    public let trainable = false
    private var inputShape: [Int] = []

    public init() {}

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        guard inputTensor.rank >= 1 else { throw ExerciseError.invalidShape("Flatten needs a batch axis") }
        inputShape = inputTensor.shape
        return inputTensor.reshaped([inputTensor.shape[0], -1])
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        errorTensor.reshaped(inputShape)
    }
}
