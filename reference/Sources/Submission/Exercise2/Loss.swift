import ExerciseKit
import Foundation

/// Cross-entropy over a batch: Σ −ln(ŷ + ε) at the true classes, ε = machine epsilon.
public final class CrossEntropyLoss: LossLayer {
    private let epsilon = Double.ulpOfOne
    private var prediction = Tensor(zeros: [0])

    public init() {}

    public func forward(predictionTensor: Tensor, labelTensor: Tensor) throws -> Double {
        guard predictionTensor.shape == labelTensor.shape else {
            throw ExerciseError.invalidShape("prediction \(predictionTensor.shape) vs label \(labelTensor.shape)")
        }
        prediction = predictionTensor
        var loss = 0.0
        for (p, y) in zip(predictionTensor.scalars, labelTensor.scalars) where y == 1 {
            loss -= log(p + epsilon)
        }
        return loss
    }

    public func backward(labelTensor: Tensor) throws -> Tensor {
        labelTensor.zipWith(prediction) { y, p in -y / (p + epsilon) }
    }
}
