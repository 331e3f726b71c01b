import ExerciseKit
import Foundation

/// A student halfway through the modular exercise: the layers of 4.1 done, with matmul and
/// subscripts; convolution, pooling and the networks not yet.
public struct Modular: ModularExercise {
    public init() {}

    public func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        let n = x.shape[0]
        let rows = x.reshaped([n, x.count / n])
        var out = rows.matmul(w)
        for i in 0..<n { for j in 0..<w.shape[1] { out[i, j] += b[j] } }
        return (out, (x, w, b))
    }
    public func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        let (x, w, b) = cache as! (Tensor, Tensor, Tensor)
        let n = x.shape[0]
        let rows = x.reshaped([n, x.count / n])
        let dx = dout.matmul(w.transposed()).reshaped(x.shape)
        let dw = rows.transposed().matmul(dout)
        var db = Tensor(zeros: b.shape)
        for i in 0..<n { for j in 0..<b.count { db[j] += dout[i, j] } }
        return (dx, dw, db)
    }
    public func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        (x.map { max(0, $0) }, x)
    }
    public func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        let x = cache as! Tensor
        return dout.zipWith(x) { $1 > 0 ? $0 : 0 }
    }
    public func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        let (a, fcCache) = try affineForward(x, w, b)
        let (out, reluCache) = try reluForward(a)
        return (out, (fcCache, reluCache))
    }
    public func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        let (fcCache, reluCache) = cache as! (LayerCache, LayerCache)
        return try affineBackward(try reluBackward(dout, reluCache), fcCache)
    }
    /// `parameters.keepProbability` is the probability of keeping a unit.
    public func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache) {
        if parameters.mode == .test { return (x, Tensor?.none as LayerCache) }
        let p = parameters.keepProbability
        let random = parameters.seed.map { RandomSource(seed: $0) } ?? RandomSource.shared
        let mask = x.map { _ in random.uniform() < p ? 1 / p : 0 }
        return (x * mask, Optional(mask) as LayerCache)
    }
    public func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        guard let mask = cache as? Tensor else { return dout }
        return dout * mask
    }

    // Given: the two loss functions (graded as diagnostics only).

    public func softmaxLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = Tensor(zeros: x.shape)
        var loss = 0.0
        for i in 0..<n {
            let shift = (0..<c).map { x[i, $0] }.max()!
            let total = (0..<c).reduce(0.0) { $0 + exp(x[i, $1] - shift) }
            loss += log(total) - (x[i, y[i]] - shift)
            for j in 0..<c { dx[i, j] = (exp(x[i, j] - shift) / total - (j == y[i] ? 1 : 0)) / Double(n) }
        }
        return (loss / Double(n), dx)
    }

    public func svmLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = Tensor(zeros: x.shape)
        var loss = 0.0
        for i in 0..<n {
            for j in 0..<c where j != y[i] {
                let margin = x[i, j] - x[i, y[i]] + 1
                if margin > 0 {
                    loss += margin
                    dx[i, j] += 1 / Double(n)
                    dx[i, y[i]] -= 1 / Double(n)
                }
            }
        }
        return (loss / Double(n), dx)
    }
}
