import ExerciseKit
import Foundation

/// Row-wise softmax of (b, classes), shifted by each row's maximum for stability.
public final class SoftMax: Layer {
    public let trainable = false
    private var output = Tensor(zeros: [0, 0])

    public init() {}

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        guard inputTensor.rank == 2 else { throw ExerciseError.invalidShape("SoftMax needs (batch, classes)") }
        let (rows, columns) = (inputTensor.shape[0], inputTensor.shape[1])
        var y = inputTensor.scalars
        for row in 0..<rows {
            let range = (row * columns)..<((row + 1) * columns)
            let shift = y[range].max() ?? 0
            var total = 0.0
            for i in range {
                y[i] = exp(y[i] - shift)
                total += y[i]
            }
            for i in range { y[i] /= total }
        }
        output = Tensor(shape: inputTensor.shape, scalars: y)
        return output
    }

    /// E_{n-1} = ŷ ⊙ (E_n − Σ_j E_n,j ŷ_j), row by row.
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        let columns = output.shape[1]
        var result = errorTensor.scalars
        for row in 0..<output.shape[0] {
            let range = (row * columns)..<((row + 1) * columns)
            var dot = 0.0
            for i in range { dot += errorTensor.scalars[i] * output.scalars[i] }
            for i in range { result[i] = output.scalars[i] * (errorTensor.scalars[i] - dot) }
        }
        return Tensor(shape: errorTensor.shape, scalars: result)
    }
}
