import ExerciseKit

/// max(0, x).
public final class ReLU: Layer {
    public let trainable = false
    public init() {}
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("ReLU.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("ReLU.backward")
    }
}
