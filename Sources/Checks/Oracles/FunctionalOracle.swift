import ExerciseKit
import Foundation

/// The harness's own implementation of the hw5 forward functions, written independently of
/// `reference/` (tests check the two agree). Expected values in the function checks, and the
/// inference that scores submitted weights, come from here: students never need the reference.
public enum FunctionalOracle {
    static func fc(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor { w.matmul(x.reshaped([-1, 1])) + b.reshaped([-1, 1]) }

    static func relu(_ x: Tensor) -> Tensor { x.map { max(0, $0) } }

    /// Softmax probabilities of a column, shifted by the maximum.
    static func softmax(_ x: Tensor) -> Tensor {
        let shift = x.max()
        let e = x.map { exp($0 - shift) }
        return e / e.sum()
    }

    /// −Σ y·log softmax(x) through log-sum-exp, and only over y ≠ 0: for x = (800, 0, 1) with
    /// class 1 true it is 800, where log of the underflowed probability gives +inf and 0·log 0
    /// gives NaN (issue 12: an oracle must not break where a correct student does not).
    public static func crossEntropy(_ x: Tensor, _ y: Tensor) -> Double {
        let shift = x.max()
        let logTotal = log(x.scalars.reduce(0) { $0 + exp($1 - shift) }) + shift
        return zip(x.scalars, y.scalars).reduce(0) { loss, pair in pair.1 == 0 ? loss : loss + pair.1 * (logTotal - pair.0) }
    }

    /// Correlation of x (H×W×C1) with w (h×w×C1×C2), zero padding ⌊(h−1)/2⌋ before, stride 1.
    static func correlate(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
        let (height, width, inputs) = (x.shape[0], x.shape[1], x.shape[2])
        let (kh, kw, outputs) = (w.shape[0], w.shape[1], w.shape[3])
        let (xs, ws) = (x.scalars, w.scalars)
        var y = [Double](repeating: 0, count: height * width * outputs)
        for i in 0..<height {
            for j in 0..<width {
                for out in 0..<outputs {
                    var total = b.scalars[out]
                    for u in 0..<kh {
                        let row = i + u - (kh - 1) / 2
                        guard row >= 0, row < height else { continue }
                        for v in 0..<kw {
                            let column = j + v - (kw - 1) / 2
                            guard column >= 0, column < width else { continue }
                            for c in 0..<inputs {
                                total += ws[((u * kw + v) * inputs + c) * outputs + out] * xs[(row * width + column) * inputs + c]
                            }
                        }
                    }
                    y[(i * width + j) * outputs + out] = total
                }
            }
        }
        return Tensor(shape: [height, width, outputs], scalars: y)
    }

    /// 2×2 max pooling, stride 2, of H×W×C.
    static func pool(_ x: Tensor) -> Tensor {
        let (height, width, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let xs = x.scalars
        var y = [Double](repeating: 0, count: (height / 2) * (width / 2) * channels)
        for i in 0..<(height / 2) { for j in 0..<(width / 2) { for c in 0..<channels {
            let topLeft = ((2 * i) * width + 2 * j) * channels + c
            let below = topLeft + width * channels
            y[(i * (width / 2) + j) * channels + c] = max(xs[topLeft], xs[topLeft + channels], xs[below], xs[below + channels])
        } } }
        return Tensor(shape: [height / 2, width / 2, channels], scalars: y)
    }

    /// pool's gradient: each error to its window's maximum (the first of ties), 0 elsewhere.
    static func poolBackward(_ dlDy: Tensor, _ x: Tensor) -> Tensor {
        var expected = Tensor(zeros: x.shape)
        for i in 0..<(x.shape[0] / 2) { for j in 0..<(x.shape[1] / 2) { for c in 0..<x.shape[2] {
            let cells = [(0, 0), (0, 1), (1, 0), (1, 1)].map { (2 * i + $0.0, 2 * j + $0.1) }
            let best = cells.max { x[$0.0, $0.1, c] < x[$1.0, $1.1, c] }!
            expected[best.0, best.1, c] = dlDy[i, j, c]
        } } }
        return expected
    }

    /// The MLP's 10 class scores for one 196×1 image.
    static func scoresMLP(_ x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor {
        fc(relu(fc(x, w1, b1)), w2, b2)
    }

    /// The class the MLP predicts for one 196×1 image.
    static func predictMLP(_ x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Int {
        scoresMLP(x, w1: w1, b1: b1, w2: w2, b2: b2).argmax()
    }

    /// The CNN's 10 class scores for one 196×1 image (reshaped 14×14×1 in C order).
    static func scoresCNN(_ x: Tensor, wConv: Tensor, bConv: Tensor, wFC: Tensor, bFC: Tensor) -> Tensor {
        let features = pool(relu(correlate(x.reshaped([14, 14, 1]), wConv, bConv)))
        return fc(features.reshaped([-1, 1]), wFC, bFC)
    }

    /// The class the CNN predicts for one 196×1 image.
    static func predictCNN(_ x: Tensor, wConv: Tensor, bConv: Tensor, wFC: Tensor, bFC: Tensor) -> Int {
        scoresCNN(x, wConv: wConv, bConv: bConv, wFC: wFC, bFC: bFC).argmax()
    }
}
