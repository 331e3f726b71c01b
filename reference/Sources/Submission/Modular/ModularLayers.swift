import ExerciseKit
import Foundation

/// The modular exercise (layers with caches, update rules, networks of any depth).
public struct Modular: ModularExercise {
    public init() {}
}

/// Training mode keeps the scaled mask; test mode none.
struct DropoutCache {
    let mask: Tensor?
}

/// Dense products on row-major buffers: the affine layers' and the networks' inner loops.
enum Dense {
    /// (n×d)·(d×m).
    static func product(_ a: [Double], _ b: [Double], n: Int, d: Int, m: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { out in
                    for row in 0..<n {
                        for k in 0..<d where a[row * d + k] != 0 {
                            Vector.addScaled(out.baseAddress! + row * m, a[row * d + k], b.baseAddress! + k * m, count: m)
                        }
                    }
                }
            }
        }
        return out
    }

    /// (n×d)ᵀ·(n×m) = d×m.
    static func transposedProduct(_ a: [Double], _ b: [Double], n: Int, d: Int, m: Int) -> [Double] {
        var out = [Double](repeating: 0, count: d * m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { out in
                    for row in 0..<n {
                        for k in 0..<d where a[row * d + k] != 0 {
                            Vector.addScaled(out.baseAddress! + k * m, a[row * d + k], b.baseAddress! + row * m, count: m)
                        }
                    }
                }
            }
        }
        return out
    }

    /// (n×m)·(d×m)ᵀ = n×d.
    static func productTransposed(_ a: [Double], _ b: [Double], n: Int, m: Int, d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * d)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for row in 0..<n {
                    for k in 0..<d { out[row * d + k] = Vector.dot(a.baseAddress! + row * m, b.baseAddress! + k * m, count: m) }
                }
            }
        }
        return out
    }
}

extension Modular {
    public func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        guard x.rank >= 1, w.rank == 2, x.shape[0] > 0, x.count / x.shape[0] == w.shape[0], b.count == w.shape[1] else {
            throw ExerciseError.invalidShape("affineForward: x \(x.shape), w \(w.shape), b \(b.shape)")
        }
        let (n, d, m) = (x.shape[0], w.shape[0], w.shape[1])
        var out = Dense.product(x.scalars, w.scalars, n: n, d: d, m: m)
        for row in 0..<n { for column in 0..<m { out[row * m + column] += b.scalars[column] } }
        return (Tensor(shape: [n, m], scalars: out), (x, w, b))
    }

    public func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        guard let (x, w, b) = cache as? (Tensor, Tensor, Tensor) else { throw ExerciseError.invalidShape("affineBackward: not an affine cache") }
        let (n, d, m) = (x.shape[0], w.shape[0], w.shape[1])
        guard dout.count == n * m else { throw ExerciseError.invalidShape("affineBackward: dout \(dout.shape), expected [\(n), \(m)]") }
        let dx = Dense.productTransposed(dout.scalars, w.scalars, n: n, m: m, d: d)
        let dw = Dense.transposedProduct(x.scalars, dout.scalars, n: n, d: d, m: m)
        var db = [Double](repeating: 0, count: m)
        for row in 0..<n { for column in 0..<m { db[column] += dout.scalars[row * m + column] } }
        return (Tensor(shape: x.shape, scalars: dx), Tensor(shape: w.shape, scalars: dw), Tensor(shape: b.shape, scalars: db))
    }

    public func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache) { (x.map { max(0, $0) }, x) }

    public func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        guard let x = cache as? Tensor, x.count == dout.count else { throw ExerciseError.invalidShape("reluBackward: not a ReLU cache of dout's size") }
        return Tensor(shape: x.shape, scalars: zip(dout.scalars, x.scalars).map { $1 > 0 ? $0 : 0 })
    }

    public func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        let (a, affineCache) = try affineForward(x, w, b)
        let (out, reluCache) = try reluForward(a)
        return (out, (affineCache, reluCache))
    }

    public func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        guard let (affineCache, reluCache) = cache as? (LayerCache, LayerCache) else { throw ExerciseError.invalidShape("affineReluBackward: not a sandwich cache") }
        return try affineBackward(try reluBackward(dout, reluCache), affineCache)
    }

    public func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache) {
        guard parameters.mode == .train else { return (x, DropoutCache(mask: nil)) }
        let p = parameters.keepProbability
        guard p > 0, p <= 1 else { throw ExerciseError.invalidShape("dropoutForward: keep probability \(p) is not in (0, 1]") }
        let random = parameters.seed.map { RandomSource(seed: $0) } ?? RandomSource.shared
        let mask = Tensor(shape: x.shape, scalars: (0..<x.count).map { _ in random.uniform() < p ? 1 / p : 0 })
        return (x * mask, DropoutCache(mask: mask))
    }

    public func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        guard let dropout = cache as? DropoutCache else { throw ExerciseError.invalidShape("dropoutBackward: not a dropout cache") }
        guard let mask = dropout.mask else { return dout }  // test mode
        guard mask.count == dout.count else { throw ExerciseError.invalidShape("dropoutBackward: dout \(dout.shape), mask \(mask.shape)") }
        return dout * mask
    }

    public func softmaxLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) {
        guard x.rank == 2, x.shape[0] == y.count else { throw ExerciseError.invalidShape("softmaxLoss: x \(x.shape), \(y.count) labels") }
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = [Double](repeating: 0, count: n * c)
        var loss = 0.0
        for row in 0..<n {
            let scores = x.scalars[(row * c)..<(row * c + c)]
            let shift = scores.max() ?? 0
            let total = scores.reduce(0) { $0 + exp($1 - shift) }
            loss += log(total) - (x.scalars[row * c + y[row]] - shift)
            for j in 0..<c { dx[row * c + j] = exp(x.scalars[row * c + j] - shift) / total / Double(n) }
            dx[row * c + y[row]] -= 1 / Double(n)
        }
        return (loss / Double(n), Tensor(shape: x.shape, scalars: dx))
    }

    public func svmLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) {
        guard x.rank == 2, x.shape[0] == y.count else { throw ExerciseError.invalidShape("svmLoss: x \(x.shape), \(y.count) labels") }
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = [Double](repeating: 0, count: n * c)
        var loss = 0.0
        for row in 0..<n {
            let correct = x.scalars[row * c + y[row]]
            for j in 0..<c where j != y[row] {
                let margin = x.scalars[row * c + j] - correct + 1
                if margin > 0 {
                    loss += margin
                    dx[row * c + j] += 1 / Double(n)
                    dx[row * c + y[row]] -= 1 / Double(n)
                }
            }
        }
        return (loss / Double(n), Tensor(shape: x.shape, scalars: dx))
    }
}
