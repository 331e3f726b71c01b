import ExerciseKit

/// 2-D max pooling, "valid" padding.
public final class Pooling: PoolingLayer {
    public let trainable = false
    public let strideShape: [Int]
    public let poolingShape: [Int]
    public init(strideShape: [Int], poolingShape: [Int]) {
        self.strideShape = strideShape
        self.poolingShape = poolingShape
    }
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Pooling.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Pooling.backward")
    }
}
