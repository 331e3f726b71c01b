import ExerciseKit

/// Reshapes (b, …) to (b, features) and back.
public final class Flatten: Layer {
    public let trainable = false
    public init() {}
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Flatten.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Flatten.backward")
    }
}
