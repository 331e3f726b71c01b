import ExerciseKit

/// (batch, …) to (batch, everything else), remembering the shape for the way back.
public final class Flatten: Layer {
    public let trainable = false
    private var inputShape: [Int] = []
    public init() {}

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        inputShape = inputTensor.shape
        let batch = inputShape[0]
        return Tensor(shape: [batch, inputTensor.count / batch], scalars: inputTensor.scalars)
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        Tensor(shape: inputShape, scalars: errorTensor.scalars)
    }
}
