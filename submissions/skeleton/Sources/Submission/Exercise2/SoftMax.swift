import ExerciseKit

/// Row-wise softmax of (batch, classes); subtract each row's maximum before exp.
public final class SoftMax: Layer {
    public let trainable = false
    public init() {}
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("SoftMax.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("SoftMax.backward")
    }
}
