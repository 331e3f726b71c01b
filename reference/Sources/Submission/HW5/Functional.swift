import ExerciseKit
import Foundation

/// The hw5 functions with the handout's shapes (column vectors are n×1 tensors).
public struct Functional: FunctionalExercise {
    public init() {}

    public func getMiniBatch(imTrain: Tensor, labelTrain: Tensor, batchSize: Int) throws -> (images: [Tensor], labels: [Tensor]) {
        guard imTrain.rank == 2, labelTrain.count == imTrain.shape[1], batchSize > 0 else {
            throw ExerciseError.invalidShape("getMiniBatch needs imTrain d×N, labelTrain 1×N, batchSize > 0; got \(imTrain.shape), \(labelTrain.shape), \(batchSize)")
        }
        let (features, count) = (imTrain.shape[0], imTrain.shape[1])
        let order = RandomSource.shared.permutation(count)
        var images: [Tensor] = [], labels: [Tensor] = []
        for start in stride(from: 0, to: count, by: batchSize) {
            let members = order[start..<min(start + batchSize, count)]
            let width = members.count
            var x = [Double](repeating: 0, count: features * width)
            var y = [Double](repeating: 0, count: 10 * width)
            for (column, sample) in members.enumerated() {
                for feature in 0..<features { x[feature * width + column] = imTrain.scalars[feature * count + sample] }
                let label = Int(labelTrain.scalars[sample])
                guard (0..<10).contains(label) else { throw ExerciseError.invalidShape("label \(label) is not a digit") }
                y[label * width + column] = 1
            }
            images.append(Tensor(shape: [features, width], scalars: x))
            labels.append(Tensor(shape: [10, width], scalars: y))
        }
        return (images, labels)
    }

    public func fc(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor {
        let (n, m) = (w.shape[0], w.shape[1])
        guard x.count == m, b.count == n else { throw ExerciseError.invalidShape("fc: x \(x.shape), w \(w.shape), b \(b.shape)") }
        var y = b.scalars
        w.scalars.withUnsafeBufferPointer { weights in
            x.scalars.withUnsafeBufferPointer { input in
                for row in 0..<n { y[row] += Vector.dot(weights.baseAddress! + row * m, input.baseAddress!, count: m) }
            }
        }
        return Tensor(shape: [n, 1], scalars: y)
    }

    public func fcBackward(dlDy: Tensor, x: Tensor, w: Tensor, b: Tensor) throws -> (dlDx: Tensor, dlDw: Tensor, dlDb: Tensor) {
        let (n, m) = (w.shape[0], w.shape[1])
        guard dlDy.count == n, x.count == m else { throw ExerciseError.invalidShape("fcBackward: dlDy \(dlDy.shape), x \(x.shape), w \(w.shape)") }
        var dlDx = [Double](repeating: 0, count: m)
        let dlDw = [Double](unsafeUninitializedCapacity: n * m) { dw, initialized in
            w.scalars.withUnsafeBufferPointer { weights in
                x.scalars.withUnsafeBufferPointer { input in
                    dlDx.withUnsafeMutableBufferPointer { dx in
                        // Row by row: dlDx += error·w[row], dlDw[row] = error·x (zero rows skip the first).
                        for row in 0..<n {
                            let error = dlDy.scalars[row]
                            let rowStart = dw.baseAddress! + row * m
                            if error == 0 {
                                rowStart.update(repeating: 0, count: m)
                                continue
                            }
                            Vector.addScaled(dx.baseAddress!, error, weights.baseAddress! + row * m, count: m)
                            Vector.scaled(rowStart, error, input.baseAddress!, count: m)
                        }
                    }
                }
            }
            initialized = n * m
        }
        return (Tensor(shape: [m, 1], scalars: dlDx), Tensor(shape: [n, m], scalars: dlDw), Tensor(shape: [n, 1], scalars: dlDy.scalars))
    }

    public func lossCrossEntropySoftmax(x: Tensor, y: Tensor) throws -> (loss: Double, dlDx: Tensor) {
        guard x.count == y.count else { throw ExerciseError.invalidShape("loss: x \(x.shape), y \(y.shape)") }
        let shift = x.scalars.max() ?? 0
        var p = x.scalars.map { exp($0 - shift) }
        let total = p.reduce(0, +)
        // log-sum-exp: −log p[i] = log(total) − (x[i] − shift) stays finite where p[i] underflows
        // to 0 (x = (800, 0, 1), class 1: the loss is 800, not +inf).
        let logTotal = log(total)
        var loss = 0.0
        for i in p.indices {
            p[i] /= total
            if y.scalars[i] != 0 { loss += y.scalars[i] * (logTotal - (x.scalars[i] - shift)) }
        }
        return (loss, Tensor(shape: x.shape, scalars: zip(p, y.scalars).map { $0 - $1 }))
    }

    public func relu(_ x: Tensor) throws -> Tensor { x.map { max(0, $0) } }

    public func reluBackward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        dlDy.zipWith(x) { error, input in input > 0 ? error : 0 }
    }

    /// y[i, j, c2] = b[c2] + Σ w[u, v, c1, c2] · xpad[i + u, j + v, c1] (correlation, stride 1).
    public func conv(x: Tensor, wConv: Tensor, bConv: Tensor) throws -> Tensor {
        guard x.rank == 3, wConv.rank == 4, wConv.shape[2] == x.shape[2], bConv.count == wConv.shape[3] else {
            throw ExerciseError.invalidShape("conv: x \(x.shape), w \(wConv.shape), b \(bConv.shape)")
        }
        let (height, width, c1) = (x.shape[0], x.shape[1], x.shape[2])
        let (kh, kw, c2) = (wConv.shape[0], wConv.shape[1], wConv.shape[3])
        let (pt, pl) = ((kh - 1) / 2, (kw - 1) / 2)
        var y = [Double](repeating: 0, count: height * width * c2)
        x.scalars.withUnsafeBufferPointer { input in
            wConv.scalars.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { output in
                    for i in 0..<height {
                        for j in 0..<width {
                            let base = (i * width + j) * c2
                            for out in 0..<c2 { output[base + out] = bConv.scalars[out] }
                        }
                    }
                    // Scatter each nonzero input pixel into the outputs it reaches.
                    for row in 0..<height {
                        for column in 0..<width {
                            for channel in 0..<c1 {
                                let value = input[(row * width + column) * c1 + channel]
                                if value == 0 { continue }
                                for u in 0..<kh {
                                    let i = row - u + pt
                                    if i < 0 || i >= height { continue }
                                    for v in 0..<kw {
                                        let j = column - v + pl
                                        if j < 0 || j >= width { continue }
                                        let wBase = ((u * kw + v) * c1 + channel) * c2
                                        let yBase = (i * width + j) * c2
                                        for out in 0..<c2 { output[yBase + out] += w[wBase + out] * value }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [height, width, c2], scalars: y)
    }

    public func convBackward(dlDy: Tensor, x: Tensor, wConv: Tensor, bConv: Tensor) throws -> (dlDw: Tensor, dlDb: Tensor) {
        let (height, width, c1) = (x.shape[0], x.shape[1], x.shape[2])
        let (kh, kw, c2) = (wConv.shape[0], wConv.shape[1], wConv.shape[3])
        guard dlDy.count == height * width * c2 else { throw ExerciseError.invalidShape("convBackward: dlDy \(dlDy.shape) for x \(x.shape)") }
        let (pt, pl) = ((kh - 1) / 2, (kw - 1) / 2)
        var dlDw = [Double](repeating: 0, count: wConv.count)
        var dlDb = [Double](repeating: 0, count: c2)
        x.scalars.withUnsafeBufferPointer { input in
            dlDy.scalars.withUnsafeBufferPointer { errors in
                dlDw.withUnsafeMutableBufferPointer { dw in
                    for pixel in 0..<(height * width) {
                        for out in 0..<c2 { dlDb[out] += errors[pixel * c2 + out] }
                    }
                    // Tap by tap over the output positions whose input lies inside the image:
                    // no bounds test in the inner loops.
                    for u in 0..<kh {
                        let rows = max(0, pt - u)..<min(height, height + pt - u)
                        for v in 0..<kw {
                            let columns = max(0, pl - v)..<min(width, width + pl - v)
                            for channel in 0..<c1 {
                                let wBase = ((u * kw + v) * c1 + channel) * c2
                                for i in rows {
                                    let inputRow = ((i + u - pt) * width + v - pl) * c1 + channel
                                    for j in columns {
                                        let value = input[inputRow + j * c1]
                                        if value == 0 { continue }
                                        let eBase = (i * width + j) * c2
                                        for out in 0..<c2 { dw[wBase + out] += errors[eBase + out] * value }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: wConv.shape, scalars: dlDw), Tensor(shape: [c2, 1], scalars: dlDb))
    }

    public func pool2x2(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3 else { throw ExerciseError.invalidShape("pool2x2 needs H×W×C, got \(x.shape)") }
        let (height, width, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let (outHeight, outWidth) = (height / 2, width / 2)
        var y = [Double](repeating: 0, count: outHeight * outWidth * channels)
        for i in 0..<outHeight {
            for j in 0..<outWidth {
                for c in 0..<channels {
                    let index = x.scalars.withUnsafeBufferPointer { Functional.windowMaximum($0, width: width, channels: channels, i, j, c) }
                    y[(i * outWidth + j) * channels + c] = x.scalars[index]
                }
            }
        }
        return Tensor(shape: [outHeight, outWidth, channels], scalars: y)
    }

    public func pool2x2Backward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        let (height, width, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let (outHeight, outWidth) = (height / 2, width / 2)
        guard dlDy.count == outHeight * outWidth * channels else { throw ExerciseError.invalidShape("pool2x2Backward: dlDy \(dlDy.shape) for x \(x.shape)") }
        var dlDx = [Double](repeating: 0, count: x.count)
        for i in 0..<outHeight {
            for j in 0..<outWidth {
                for c in 0..<channels {
                    let index = x.scalars.withUnsafeBufferPointer { Functional.windowMaximum($0, width: width, channels: channels, i, j, c) }
                    dlDx[index] += dlDy.scalars[(i * outWidth + j) * channels + c]
                }
            }
        }
        return Tensor(shape: x.shape, scalars: dlDx)
    }

    /// The flat index of the first maximum (row-major order) of the 2×2 window (i, j) in channel c.
    @inline(__always)
    private static func windowMaximum(_ x: UnsafeBufferPointer<Double>, width: Int, channels: Int, _ i: Int, _ j: Int, _ c: Int) -> Int {
        let topLeft = ((2 * i) * width + 2 * j) * channels + c
        let (right, below) = (topLeft + channels, topLeft + width * channels)
        var best = topLeft
        if x[right] > x[best] { best = right }
        if x[below] > x[best] { best = below }
        if x[below + channels] > x[best] { best = below + channels }
        return best
    }
}
