import ExerciseKit

/// 2-D max pooling with "valid" padding; backward routes each error to its window's maximum.
public final class Pooling: PoolingLayer {
    public let trainable = false
    public let strideShape: [Int]
    public let poolingShape: [Int]
    private var inputShape: [Int] = []
    /// For every output value, the flat input index of its window's (first) maximum.
    private var maximumIndices: [Int] = []

    public init(strideShape: [Int], poolingShape: [Int]) {
        precondition(poolingShape.count == 2 && poolingShape.allSatisfy { $0 > 0 }, "poolingShape must be [py, px]")
        precondition(!strideShape.isEmpty && strideShape.allSatisfy { $0 > 0 }, "Strides must be positive")
        self.strideShape = strideShape.count == 1 ? [strideShape[0], strideShape[0]] : strideShape
        self.poolingShape = poolingShape
    }

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        guard inputTensor.rank == 4 else { throw ExerciseError.invalidShape("Pooling needs (b, c, y, x), got \(inputTensor.shape)") }
        let (batch, channels, height, width) = (inputTensor.shape[0], inputTensor.shape[1], inputTensor.shape[2], inputTensor.shape[3])
        let (py, px, sy, sx) = (poolingShape[0], poolingShape[1], strideShape[0], strideShape[1])
        guard height >= py, width >= px else { throw ExerciseError.invalidShape("Pooling window \(poolingShape) is larger than \(inputTensor.shape)") }
        let outHeight = (height - py) / sy + 1, outWidth = (width - px) / sx + 1
        inputShape = inputTensor.shape
        var output = [Double](repeating: 0, count: batch * channels * outHeight * outWidth)
        maximumIndices = [Int](repeating: 0, count: output.count)
        inputTensor.scalars.withUnsafeBufferPointer { x in
            var o = 0
            for plane in 0..<(batch * channels) {
                let base = plane * height * width
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var best = base + oy * sy * width + ox * sx
                        for u in 0..<py {
                            for v in 0..<px {
                                let index = base + (oy * sy + u) * width + ox * sx + v
                                if x[index] > x[best] { best = index }
                            }
                        }
                        output[o] = x[best]
                        maximumIndices[o] = best
                        o += 1
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, outHeight, outWidth], scalars: output)
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        guard errorTensor.count == maximumIndices.count else {
            throw ExerciseError.invalidShape("Pooling.backward expected \(maximumIndices.count) values, got \(errorTensor.shape)")
        }
        var inputError = [Double](repeating: 0, count: Tensor.elementCount(inputShape))
        for (o, index) in maximumIndices.enumerated() { inputError[index] += errorTensor.scalars[o] }
        return Tensor(shape: inputShape, scalars: inputError)
    }
}
