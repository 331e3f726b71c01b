import ExerciseKit
import Foundation

/// The harness's own sequential network: fully connected, convolution (stride 1, zero padding),
/// ReLU, non-overlapping max pooling and flatten, on (N, C, H, W) images, with the softmax
/// cross-entropy loss and exact gradients. It verifies every iteration of a CSC321 training and
/// is the whole training of a TF2 CNN shallow network; a student's kit leaves it out.
enum SequentialOracle {
    typealias Layer = NetworkLayer

    /// Each layer's output shape ((C, H, W) or (D)) for an input of `input`, nil where a layer cannot apply.
    static func shapes(_ layers: [Layer], input: [Int]) -> [[Int]]? {
        var shape = input
        var out: [[Int]] = []
        for layer in layers {
            switch layer {
            case .fc(let units):
                guard units > 0 else { return nil }
                shape = [units]
            case .conv(let filters, let size, let pad):
                guard shape.count == 3, filters > 0, size > 0, pad >= 0, shape[1] + 2 * pad >= size, shape[2] + 2 * pad >= size else { return nil }
                shape = [filters, shape[1] + 2 * pad - size + 1, shape[2] + 2 * pad - size + 1]
            case .relu: break
            case .maxPool(let size):
                guard shape.count == 3, size > 0, shape[1] >= size, shape[2] >= size else { return nil }
                shape = [shape[0], shape[1] / size, shape[2] / size]
            case .flatten: shape = [shape.reduce(1, *)]
            }
            out.append(shape)
        }
        return out
    }

    /// The parameter tensors' shapes, two per layer with weights (w, b), in layer order.
    static func parameterShapes(_ layers: [Layer], input: [Int]) -> [[Int]]? {
        guard let outputs = shapes(layers, input: input) else { return nil }
        var result: [[Int]] = []
        for (index, layer) in layers.enumerated() {
            let before = index == 0 ? input : outputs[index - 1]
            switch layer {
            case .fc(let units): result += [[before.reduce(1, *), units], [units]]
            case .conv(let filters, let size, _): result += [[filters, before[0], size, size], [filters]]
            default: break
            }
        }
        return result
    }

    /// Free parameters and connections per layer (CSC321's definitions: a padded zero is an input).
    static func counts(_ layers: [Layer], input: [Int]) -> [(parameters: Int, connections: Int)]? {
        guard let outputs = shapes(layers, input: input) else { return nil }
        return layers.enumerated().map { index, layer in
            let before = index == 0 ? input : outputs[index - 1]
            switch layer {
            case .fc(let units):
                let d = before.reduce(1, *)
                return (d * units + units, d * units)
            case .conv(let filters, let size, _):
                let fanIn = before[0] * size * size
                return (filters * fanIn + filters, outputs[index].reduce(1, *) * fanIn)
            default: return (0, 0)
            }
        }
    }

    // MARK: Forward and backward

    /// Class scores (N, classes) of `x` (N, C, H, W) or (N, D).
    static func scores(_ x: Tensor, _ layers: [Layer], _ params: [Tensor]) -> Tensor {
        forward(x, layers, params).last ?? x
    }

    /// Every layer's output, in order.
    static func forward(_ x: Tensor, _ layers: [Layer], _ params: [Tensor]) -> [Tensor] {
        var outputs: [Tensor] = []
        var current = x
        var p = 0
        for layer in layers {
            switch layer {
            case .fc:
                current = fc(current.reshaped([current.shape[0], current.count / current.shape[0]]), params[p], params[p + 1])
                p += 2
            case .conv(_, _, let pad):
                current = conv(current, params[p], params[p + 1], pad: pad)
                p += 2
            case .relu: current = current.map { max(0, $0) }
            case .maxPool(let size): current = maxPool(current, size).out
            case .flatten: current = current.reshaped([current.shape[0], current.count / current.shape[0]])
            }
            outputs.append(current)
        }
        return outputs
    }

    /// The mean softmax cross-entropy of a batch plus 0.5·l2·Σw² (weights, not biases), the
    /// gradient of every parameter, and the largest single sample's loss.
    static func lossAndGradients(_ x: Tensor, _ y: [Int], _ layers: [Layer], _ params: [Tensor], l2: Double = 0)
        -> (loss: Double, gradients: [Tensor], largestSampleLoss: Double) {
        let outputs = forward(x, layers, params)
        let (loss, largest, dScores) = softmaxCrossEntropy(outputs.last!, y)
        var gradients = params.map { Tensor(zeros: $0.shape) }
        var d = dScores
        var p = params.count
        for index in layers.indices.reversed() {
            let input = index == 0 ? x : outputs[index - 1]
            switch layers[index] {
            case .fc:
                p -= 2
                let flat = input.reshaped([input.shape[0], input.count / input.shape[0]])
                let (dx, dw, db) = fcBackward(d, flat, params[p])
                (gradients[p], gradients[p + 1]) = (dw, db)
                d = dx.reshaped(input.shape)
            case .conv(_, _, let pad):
                p -= 2
                let (dx, dw, db) = convBackward(d, input, params[p], pad: pad)
                (gradients[p], gradients[p + 1]) = (dw, db)
                d = dx
            case .relu: d = d.zipWith(input) { $1 > 0 ? $0 : 0 }
            case .maxPool(let size): d = maxPoolBackward(d, input, size)
            case .flatten: d = d.reshaped(input.shape)
            }
        }
        var penalty = 0.0
        if l2 > 0 {
            for index in stride(from: 0, to: params.count, by: 2) {
                penalty += 0.5 * l2 * params[index].scalars.reduce(0) { $0 + $1 * $1 }
                gradients[index] = gradients[index] + l2 * params[index]
            }
        }
        return (loss + penalty, gradients, largest)
    }

    static func fc(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
        let (n, d, h) = (x.shape[0], w.shape[0], w.shape[1])
        var y = [Double](repeating: 0, count: n * h)
        x.scalars.withUnsafeBufferPointer { xs in
            w.scalars.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer { ys in
                    for i in 0..<n {
                        for j in 0..<h { ys[i * h + j] = b.scalars[j] }
                        for k in 0..<d {
                            let xv = xs[i * d + k]
                            if xv == 0 { continue }
                            for j in 0..<h { ys[i * h + j] += xv * ws[k * h + j] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, h], scalars: y)
    }

    static func fcBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) -> (Tensor, Tensor, Tensor) {
        let (n, d, h) = (x.shape[0], w.shape[0], w.shape[1])
        var dx = [Double](repeating: 0, count: n * d), dw = [Double](repeating: 0, count: d * h), db = [Double](repeating: 0, count: h)
        dy.scalars.withUnsafeBufferPointer { g in
            x.scalars.withUnsafeBufferPointer { xs in
                w.scalars.withUnsafeBufferPointer { ws in
                    for i in 0..<n {
                        for j in 0..<h { db[j] += g[i * h + j] }
                        for k in 0..<d {
                            var sum = 0.0
                            let xv = xs[i * d + k]
                            for j in 0..<h {
                                sum += g[i * h + j] * ws[k * h + j]
                                dw[k * h + j] += xv * g[i * h + j]
                            }
                            dx[i * d + k] = sum
                        }
                    }
                }
            }
        }
        return (Tensor(shape: [n, d], scalars: dx), Tensor(shape: [d, h], scalars: dw), Tensor(shape: [h], scalars: db))
    }

    /// Correlation, stride 1, `pad` zeros on every side: x (N, C, H, W), w (F, C, k, k), b (F).
    static func conv(_ x: Tensor, _ w: Tensor, _ b: Tensor, pad: Int) -> Tensor {
        let (n, c, h, wd, f, k) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2])
        let (oh, ow) = (h + 2 * pad - k + 1, wd + 2 * pad - k + 1)
        var y = [Double](repeating: 0, count: n * f * oh * ow)
        x.scalars.withUnsafeBufferPointer { xs in
            w.scalars.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer { ys in
                    for image in 0..<n {
                        for filter in 0..<f {
                            let out = (image * f + filter) * oh * ow
                            for i in 0..<(oh * ow) { ys[out + i] = b.scalars[filter] }
                            for channel in 0..<c {
                                let plane = (image * c + channel) * h * wd
                                for u in 0..<k {
                                    for v in 0..<k {
                                        let weight = ws[((filter * c + channel) * k + u) * k + v]
                                        // Output rows i whose input row i + u − pad is inside.
                                        let (i0, i1) = (max(0, pad - u), min(oh, h + pad - u))
                                        let (j0, j1) = (max(0, pad - v), min(ow, wd + pad - v))
                                        guard i0 < i1, j0 < j1 else { continue }
                                        for i in i0..<i1 {
                                            let inRow = plane + (i + u - pad) * wd + v - pad
                                            let outRow = out + i * ow
                                            for j in j0..<j1 { ys[outRow + j] += weight * xs[inRow + j] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, f, oh, ow], scalars: y)
    }

    static func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, pad: Int) -> (Tensor, Tensor, Tensor) {
        let (n, c, h, wd, f, k) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2])
        let (oh, ow) = (h + 2 * pad - k + 1, wd + 2 * pad - k + 1)
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: f)
        dy.scalars.withUnsafeBufferPointer { g in
            x.scalars.withUnsafeBufferPointer { xs in
                w.scalars.withUnsafeBufferPointer { ws in
                    dx.withUnsafeMutableBufferPointer { dxs in
                        for image in 0..<n {
                            for filter in 0..<f {
                                let out = (image * f + filter) * oh * ow
                                for i in 0..<(oh * ow) { db[filter] += g[out + i] }
                                for channel in 0..<c {
                                    let plane = (image * c + channel) * h * wd
                                    for u in 0..<k {
                                        for v in 0..<k {
                                            let wIndex = ((filter * c + channel) * k + u) * k + v
                                            let weight = ws[wIndex]
                                            let (i0, i1) = (max(0, pad - u), min(oh, h + pad - u))
                                            let (j0, j1) = (max(0, pad - v), min(ow, wd + pad - v))
                                            guard i0 < i1, j0 < j1 else { continue }
                                            var sum = 0.0
                                            for i in i0..<i1 {
                                                let inRow = plane + (i + u - pad) * wd + v - pad
                                                let outRow = out + i * ow
                                                for j in j0..<j1 {
                                                    sum += g[outRow + j] * xs[inRow + j]
                                                    dxs[inRow + j] += weight * g[outRow + j]
                                                }
                                            }
                                            dw[wIndex] += sum
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: x.shape, scalars: dx), Tensor(shape: w.shape, scalars: dw), Tensor(shape: [f], scalars: db))
    }

    /// Non-overlapping max pooling; each window's maximum is its first in row-major order on a tie.
    static func maxPool(_ x: Tensor, _ size: Int) -> (out: Tensor, argmax: [Int]) {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h / size, w / size)
        var y = [Double](repeating: 0, count: n * c * oh * ow), at = [Int](repeating: 0, count: y.count)
        for plane in 0..<(n * c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -1, value = -Double.infinity
                    for u in 0..<size {
                        for v in 0..<size {
                            let index = (plane * h + i * size + u) * w + j * size + v
                            if x.scalars[index] > value || best < 0 { (best, value) = (index, x.scalars[index]) }
                        }
                    }
                    y[(plane * oh + i) * ow + j] = value
                    at[(plane * oh + i) * ow + j] = best
                }
            }
        }
        return (Tensor(shape: [n, c, oh, ow], scalars: y), at)
    }

    static func maxPoolBackward(_ dy: Tensor, _ x: Tensor, _ size: Int) -> Tensor {
        let at = maxPool(x, size).argmax
        var dx = [Double](repeating: 0, count: x.count)
        for (index, target) in at.enumerated() { dx[target] += dy.scalars[index] }
        return Tensor(shape: x.shape, scalars: dx)
    }

    /// The batch mean of −log softmax[label], the largest sample's, and d/dscores.
    static func softmaxCrossEntropy(_ scores: Tensor, _ labels: [Int]) -> (Double, Double, Tensor) {
        let (n, classes) = (scores.shape[0], scores.shape[1])
        var d = [Double](repeating: 0, count: n * classes)
        var total = 0.0, largest = 0.0
        for i in 0..<n {
            let row = Array(scores.scalars[(i * classes)..<((i + 1) * classes)])
            let top = row.max()!
            let sum = row.reduce(0) { $0 + exp($1 - top) }
            let loss = -(row[labels[i]] - top - log(sum))
            total += loss
            largest = max(largest, loss)
            for j in 0..<classes { d[i * classes + j] = exp(row[j] - top) / sum / Double(n) }
            d[i * classes + labels[i]] -= 1 / Double(n)
        }
        return (total / Double(n), largest, Tensor(shape: [n, classes], scalars: d))
    }
}
