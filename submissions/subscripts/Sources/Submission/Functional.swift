import ExerciseKit
import Foundation

/// hw5 written the natural way, with `Tensor` subscripts (`t[i, j]`) and plain loops, as the
/// ExerciseKit README shows: correct, and the sample `make bench` times against the reference's
/// hand-tuned functions (issue 11: within 5x).
public struct Functional: FunctionalExercise {
    public init() {}

    public func getMiniBatch(imTrain: Tensor, labelTrain: Tensor, batchSize: Int) throws -> (images: [Tensor], labels: [Tensor]) {
        let (features, count) = (imTrain.shape[0], imTrain.shape[1])
        let order = RandomSource.shared.permutation(count)
        var images: [Tensor] = [], labels: [Tensor] = []
        for start in stride(from: 0, to: count, by: batchSize) {
            let members = Array(order[start..<min(start + batchSize, count)])
            var x = Tensor(zeros: [features, members.count])
            var y = Tensor(zeros: [10, members.count])
            for (column, sample) in members.enumerated() {
                for feature in 0..<features { x[feature, column] = imTrain[feature, sample] }
                y[Int(labelTrain[0, sample]), column] = 1
            }
            images.append(x)
            labels.append(y)
        }
        return (images, labels)
    }

    public func fc(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor {
        let (n, m) = (w.shape[0], w.shape[1])
        var y = Tensor(zeros: [n, 1])
        for i in 0..<n {
            var sum = b[i, 0]
            for j in 0..<m { sum += w[i, j] * x[j, 0] }
            y[i, 0] = sum
        }
        return y
    }

    public func fcBackward(dlDy: Tensor, x: Tensor, w: Tensor, b: Tensor) throws -> (dlDx: Tensor, dlDw: Tensor, dlDb: Tensor) {
        let (n, m) = (w.shape[0], w.shape[1])
        let error = dlDy.reshaped([n, 1])
        var dlDx = Tensor(zeros: [m, 1])
        var dlDw = Tensor(zeros: [n, m])
        for i in 0..<n {
            for j in 0..<m {
                dlDx[j, 0] += error[i, 0] * w[i, j]
                dlDw[i, j] = error[i, 0] * x[j, 0]
            }
        }
        return (dlDx, dlDw, error)
    }

    public func lossCrossEntropySoftmax(x: Tensor, y: Tensor) throws -> (loss: Double, dlDx: Tensor) {
        let n = x.shape[0]
        var largest = x[0, 0]
        for i in 0..<n { largest = max(largest, x[i, 0]) }
        var p = Tensor(zeros: [n, 1])
        var total = 0.0
        for i in 0..<n {
            p[i, 0] = exp(x[i, 0] - largest)
            total += p[i, 0]
        }
        var loss = 0.0
        var dlDx = Tensor(zeros: [n, 1])
        for i in 0..<n {
            p[i, 0] /= total
            if y[i, 0] != 0 { loss -= y[i, 0] * log(p[i, 0]) }
            dlDx[i, 0] = p[i, 0] - y[i, 0]
        }
        return (loss, dlDx)
    }

    public func relu(_ x: Tensor) throws -> Tensor {
        var y = x
        for i in 0..<x.count { y.scalars[i] = max(0, x.scalars[i]) }
        return y
    }

    public func reluBackward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        var dlDx = Tensor(zeros: x.shape)
        for i in 0..<x.count where x.scalars[i] > 0 { dlDx.scalars[i] = dlDy.scalars[i] }
        return dlDx
    }

    public func conv(x: Tensor, wConv: Tensor, bConv: Tensor) throws -> Tensor {
        let (height, width, c1) = (x.shape[0], x.shape[1], x.shape[2])
        let (kh, kw, c2) = (wConv.shape[0], wConv.shape[1], wConv.shape[3])
        var y = Tensor(zeros: [height, width, c2])
        for i in 0..<height {
            for j in 0..<width {
                for o in 0..<c2 {
                    var sum = bConv[o, 0]
                    for u in 0..<kh {
                        for v in 0..<kw {
                            let (row, column) = (i + u - (kh - 1) / 2, j + v - (kw - 1) / 2)
                            guard row >= 0, row < height, column >= 0, column < width else { continue }
                            for c in 0..<c1 { sum += wConv[u, v, c, o] * x[row, column, c] }
                        }
                    }
                    y[i, j, o] = sum
                }
            }
        }
        return y
    }

    public func convBackward(dlDy: Tensor, x: Tensor, wConv: Tensor, bConv: Tensor) throws -> (dlDw: Tensor, dlDb: Tensor) {
        let (height, width, c1) = (x.shape[0], x.shape[1], x.shape[2])
        let (kh, kw, c2) = (wConv.shape[0], wConv.shape[1], wConv.shape[3])
        let error = dlDy.reshaped([height, width, c2])
        var dlDw = Tensor(zeros: wConv.shape)
        var dlDb = Tensor(zeros: [c2, 1])
        for i in 0..<height {
            for j in 0..<width {
                for o in 0..<c2 {
                    let e = error[i, j, o]
                    dlDb[o, 0] += e
                    for u in 0..<kh {
                        for v in 0..<kw {
                            let (row, column) = (i + u - (kh - 1) / 2, j + v - (kw - 1) / 2)
                            guard row >= 0, row < height, column >= 0, column < width else { continue }
                            for c in 0..<c1 { dlDw[u, v, c, o] += e * x[row, column, c] }
                        }
                    }
                }
            }
        }
        return (dlDw, dlDb)
    }

    public func pool2x2(_ x: Tensor) throws -> Tensor {
        let (height, width, channels) = (x.shape[0], x.shape[1], x.shape[2])
        var y = Tensor(zeros: [height / 2, width / 2, channels])
        for i in 0..<height / 2 {
            for j in 0..<width / 2 {
                for c in 0..<channels {
                    let (row, column) = largest(in: x, i, j, c)
                    y[i, j, c] = x[row, column, c]
                }
            }
        }
        return y
    }

    public func pool2x2Backward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        let (height, width, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let error = dlDy.reshaped([height / 2, width / 2, channels])
        var dlDx = Tensor(zeros: x.shape)
        for i in 0..<height / 2 {
            for j in 0..<width / 2 {
                for c in 0..<channels {
                    let (row, column) = largest(in: x, i, j, c)
                    dlDx[row, column, c] += error[i, j, c]
                }
            }
        }
        return dlDx
    }

    /// The first maximum (row-major) of the 2×2 window (i, j) in channel c.
    func largest(in x: Tensor, _ i: Int, _ j: Int, _ c: Int) -> (Int, Int) {
        var best = (2 * i, 2 * j)
        for u in 0..<2 {
            for v in 0..<2 where x[2 * i + u, 2 * j + v, c] > x[best.0, best.1, c] { best = (2 * i + u, 2 * j + v) }
        }
        return best
    }
}
