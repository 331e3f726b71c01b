import ExerciseKit
import Foundation

/// The modular exercise (problems 4.1–4.4); contracts in ExerciseKit/README.md ("The modular
/// exercise"). A cache is whatever your backward needs, e.g. `(x, w, b)`; read it back with
/// `cache as! (Tensor, Tensor, Tensor)`.
public struct Modular: ModularExercise {
    public init() {}

    public func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("affineForward")
    }
    public func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        throw ExerciseError.notImplemented("affineBackward")
    }
    public func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("reluForward")
    }
    public func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        throw ExerciseError.notImplemented("reluBackward")
    }
    public func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("affineReluForward")
    }
    public func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        throw ExerciseError.notImplemented("affineReluBackward")
    }
    /// `parameters.keepProbability` is the probability of keeping a unit.
    public func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("dropoutForward")
    }
    public func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        throw ExerciseError.notImplemented("dropoutBackward")
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
