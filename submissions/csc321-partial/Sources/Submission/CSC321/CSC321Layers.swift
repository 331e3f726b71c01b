import ExerciseKit
import Foundation

/// A CSC321 submission halfway: the layers and method 1 done; method 2 and the counts not yet.
struct CSC321: CSC321Exercise {
    func fcForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor {
        let (n, d, h) = (x.shape[0], w.shape[0], w.shape[1])
        guard x.rank == 2, x.shape[1] == d, b.count == h else { throw ExerciseError.invalidShape("fcForward: x \(x.shape), w \(w.shape), b \(b.shape)") }
        var y = [Double](repeating: 0, count: n * h)
        for i in 0..<n {
            for j in 0..<h { y[i * h + j] = b.scalars[j] }
            for k in 0..<d {
                let xv = x.scalars[i * d + k]
                if xv == 0 { continue }
                for j in 0..<h { y[i * h + j] += xv * w.scalars[k * h + j] }
            }
        }
        return Tensor(shape: [n, h], scalars: y)
    }

    func fcBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        let (n, d, h) = (x.shape[0], w.shape[0], w.shape[1])
        var dx = [Double](repeating: 0, count: n * d), dw = [Double](repeating: 0, count: d * h), db = [Double](repeating: 0, count: h)
        for i in 0..<n {
            for j in 0..<h { db[j] += dy.scalars[i * h + j] }
            for k in 0..<d {
                var sum = 0.0
                let xv = x.scalars[i * d + k]
                for j in 0..<h {
                    let g = dy.scalars[i * h + j]
                    sum += g * w.scalars[k * h + j]
                    dw[k * h + j] += xv * g
                }
                dx[i * d + k] = sum
            }
        }
        return (Tensor(shape: [n, d], scalars: dx), Tensor(shape: [d, h], scalars: dw), Tensor(shape: [h], scalars: db))
    }

    func reluForward(_ x: Tensor) throws -> Tensor { x.map { max(0, $0) } }

    func reluBackward(_ dy: Tensor, _ x: Tensor) throws -> Tensor { dy.zipWith(x) { $1 > 0 ? $0 : 0 } }

    func softmaxCrossEntropy(_ scores: Tensor, _ labels: [Int]) throws -> (loss: Double, dScores: Tensor) {
        let (n, classes) = (scores.shape[0], scores.shape[1])
        var d = [Double](repeating: 0, count: n * classes)
        var loss = 0.0
        for i in 0..<n {
            let row = scores.scalars[(i * classes)..<((i + 1) * classes)]
            let top = row.max()!
            let total = row.reduce(0) { $0 + exp($1 - top) }
            for j in 0..<classes { d[i * classes + j] = exp(row[row.startIndex + j] - top) / total / Double(n) }
            loss -= row[row.startIndex + labels[i]] - top - log(total)
            d[i * classes + labels[i]] -= 1 / Double(n)
        }
        return (loss / Double(n), Tensor(shape: [n, classes], scalars: d))
    }

    func maxPoolForward(_ x: Tensor, size: Int) throws -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h / size, w / size)
        var y = [Double](repeating: 0, count: n * c * oh * ow)
        for plane in 0..<(n * c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -Double.infinity
                    for u in 0..<size { for v in 0..<size { best = max(best, x.scalars[plane * h * w + (i * size + u) * w + j * size + v]) } }
                    y[plane * oh * ow + i * ow + j] = best
                }
            }
        }
        return Tensor(shape: [n, c, oh, ow], scalars: y)
    }

    func maxPoolBackward(_ dy: Tensor, _ x: Tensor, size: Int) throws -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h / size, w / size)
        var dx = [Double](repeating: 0, count: x.count)
        for plane in 0..<(n * c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -1, bestValue = -Double.infinity
                    for u in 0..<size {
                        for v in 0..<size {
                            let index = plane * h * w + (i * size + u) * w + j * size + v
                            if x.scalars[index] > bestValue { (best, bestValue) = (index, x.scalars[index]) }
                        }
                    }
                    dx[best] += dy.scalars[plane * oh * ow + i * ow + j]
                }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }

    func layerCounts(_ layers: [CSC321Layer], input: [Int]) throws -> [LayerCount] {
        throw ExerciseError.notImplemented("layerCounts")
    }
}
