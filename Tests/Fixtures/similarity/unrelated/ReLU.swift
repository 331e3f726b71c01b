import ExerciseKit

/// Passes positives, zeroes the rest; the gradient flows where the input was positive.
public final class ReLU: Layer {
    public let trainable = false
    private var positive: [Bool] = []
    public init() {}

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        positive = inputTensor.scalars.map { $0 > 0 }
        var out = inputTensor
        for i in 0..<out.count where !positive[i] { out.scalars[i] = 0 }
        return out
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        var out = errorTensor
        for i in 0..<out.count where !positive[i] { out.scalars[i] = 0 }
        return out
    }
}
