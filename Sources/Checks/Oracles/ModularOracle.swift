import ExerciseKit
import Foundation

/// The harness's own modular-exercise arithmetic, written for clarity, not speed: the expected
/// values of the checks, and the inference that scores a trained network on held-out data.
enum ModularOracle {
    static func affine(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
        let (n, d, m) = (x.shape[0], w.shape[0], w.shape[1])
        var out = [Double](repeating: 0, count: n * m)
        for row in 0..<n {
            for column in 0..<m {
                var sum = b.scalars[column]
                for k in 0..<d { sum += x.scalars[row * d + k] * w.scalars[k * m + column] }
                out[row * m + column] = sum
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }

    static func relu(_ x: Tensor) -> Tensor { x.map { max(0, $0) } }

    static func conv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, pad p: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (f, hh, ww) = (w.shape[0], w.shape[2], w.shape[3])
        let (ho, wo) = (1 + (h + 2 * p - hh) / s, 1 + (wd + 2 * p - ww) / s)
        var out = Tensor(zeros: [n, f, ho, wo])
        for image in 0..<n {
            for filter in 0..<f {
                for i in 0..<ho {
                    for j in 0..<wo {
                        var sum = b.scalars[filter]
                        for channel in 0..<c {
                            for u in 0..<hh {
                                for v in 0..<ww {
                                    let (row, column) = (i * s + u - p, j * s + v - p)
                                    guard row >= 0, row < h, column >= 0, column < wd else { continue }
                                    sum += x[image, channel, row, column] * w[filter, channel, u, v]
                                }
                            }
                        }
                        out[image, filter, i, j] = sum
                    }
                }
            }
        }
        return out
    }

    static func maxPool(_ x: Tensor, height ph: Int, width pw: Int, stride s: Int) -> Tensor {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (1 + (h - ph) / s, 1 + (wd - pw) / s)
        var out = Tensor(zeros: [n, c, ho, wo])
        for image in 0..<n {
            for channel in 0..<c {
                for i in 0..<ho {
                    for j in 0..<wo {
                        var best = -Double.infinity
                        for u in 0..<ph { for v in 0..<pw { best = max(best, x[image, channel, i * s + u, j * s + v]) } }
                        out[image, channel, i, j] = best
                    }
                }
            }
        }
        return out
    }

    /// Mean softmax loss (log-sum-exp) and its gradient.
    static func softmaxLoss(_ x: Tensor, _ y: [Int]) -> (loss: Double, dx: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = Tensor(zeros: x.shape)
        var loss = 0.0
        for row in 0..<n {
            let scores = (0..<c).map { x[row, $0] }
            let shift = scores.max()!
            let total = scores.reduce(0) { $0 + exp($1 - shift) }
            loss += log(total) - (scores[y[row]] - shift)
            for j in 0..<c { dx[row, j] = (exp(scores[j] - shift) / total - (j == y[row] ? 1 : 0)) / Double(n) }
        }
        return (loss / Double(n), dx)
    }

    /// Mean multiclass hinge loss (margin 1) and its gradient.
    static func svmLoss(_ x: Tensor, _ y: [Int]) -> (loss: Double, dx: Tensor) {
        let (n, c) = (x.shape[0], x.shape[1])
        var dx = Tensor(zeros: x.shape)
        var loss = 0.0
        for row in 0..<n {
            for j in 0..<c where j != y[row] {
                let margin = x[row, j] - x[row, y[row]] + 1
                guard margin > 0 else { continue }
                loss += margin
                dx[row, j] += 1 / Double(n)
                dx[row, y[row]] -= 1 / Double(n)
            }
        }
        return (loss / Double(n), dx)
    }

    // MARK: Update rules

    static func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) -> (Tensor, velocity: Tensor) {
        let velocity = config.momentum * (config.velocity ?? Tensor(zeros: w.shape)) - config.learningRate * dw
        return (w + velocity, velocity)
    }

    static func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) -> (Tensor, cache: Tensor) {
        let old = config.cache ?? Tensor(zeros: w.shape)
        let cache = old.zipWith(dw) { config.decayRate * $0 + (1 - config.decayRate) * $1 * $1 }
        var next = w
        for i in next.scalars.indices { next.scalars[i] -= config.learningRate * dw.scalars[i] / (sqrt(cache.scalars[i]) + config.epsilon) }
        return (next, cache)
    }

    static func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) -> (Tensor, m: Tensor, v: Tensor, t: Int) {
        let t = config.t + 1
        let m = (config.m ?? Tensor(zeros: w.shape)).zipWith(dw) { config.beta1 * $0 + (1 - config.beta1) * $1 }
        let v = (config.v ?? Tensor(zeros: w.shape)).zipWith(dw) { config.beta2 * $0 + (1 - config.beta2) * $1 * $1 }
        var next = w
        let (correction1, correction2) = (1 - pow(config.beta1, Double(t)), 1 - pow(config.beta2, Double(t)))
        for i in next.scalars.indices {
            let mHat = m.scalars[i] / correction1
            let vHat = v.scalars[i] / correction2
            next.scalars[i] -= config.learningRate * mHat / (sqrt(vHat) + config.epsilon)
        }
        return (next, m, v, t)
    }

    // MARK: Networks (test mode)

    /// Scores of a fully-connected network with `layers` affine layers (ReLU between).
    static func fullyConnectedScores(_ x: Tensor, _ params: [String: Tensor], layers: Int) -> Tensor {
        var h = x.reshaped([x.shape[0], x.count / x.shape[0]])
        for layer in 1...layers {
            h = affine(h, params["W\(layer)"]!, params["b\(layer)"]!)
            if layer < layers { h = relu(h) }
        }
        return h
    }

    /// Scores of the three-layer convolutional network.
    static func convNetScores(_ x: Tensor, _ params: [String: Tensor]) -> Tensor {
        let w1 = params["W1"]!
        let pooled = maxPool(relu(conv(x, w1, params["b1"]!, stride: 1, pad: (w1.shape[2] - 1) / 2)), height: 2, width: 2, stride: 2)
        let flat = pooled.reshaped([pooled.shape[0], pooled.count / pooled.shape[0]])
        return affine(relu(affine(flat, params["W2"]!, params["b2"]!)), params["W3"]!, params["b3"]!)
    }

    /// How far the network's inputs stay from its kinks on `x`: the smallest |pre-activation| of
    /// a ReLU, and for the convolutional network the smallest gap between a pooling window's two
    /// largest positive values. A gradient check near a kink compares two one-sided slopes.
    static func kinkMargin(_ x: Tensor, _ params: [String: Tensor], convolutional: Bool) -> Double {
        var margin = Double.infinity
        var h = x
        if convolutional {
            let w1 = params["W1"]!
            let conv = conv(x, w1, params["b1"]!, stride: 1, pad: (w1.shape[2] - 1) / 2)
            margin = conv.scalars.reduce(margin) { min($0, abs($1)) }
            let activated = relu(conv)
            let (n, c, height, width) = (activated.shape[0], activated.shape[1], activated.shape[2], activated.shape[3])
            for image in 0..<n { for channel in 0..<c { for i in 0..<(height / 2) { for j in 0..<(width / 2) {
                let window = [activated[image, channel, 2 * i, 2 * j], activated[image, channel, 2 * i, 2 * j + 1],
                              activated[image, channel, 2 * i + 1, 2 * j], activated[image, channel, 2 * i + 1, 2 * j + 1]].sorted(by: >)
                if window[1] > 0 { margin = min(margin, window[0] - window[1]) }
            } } } }
            h = maxPool(activated, height: 2, width: 2, stride: 2)
            h = h.reshaped([n, h.count / n])
            let hidden = affine(h, params["W2"]!, params["b2"]!)
            return hidden.scalars.reduce(margin) { min($0, abs($1)) }
        }
        let layers = params.count / 2
        h = h.reshaped([x.shape[0], x.count / x.shape[0]])
        for layer in 1..<layers {
            let a = affine(h, params["W\(layer)"]!, params["b\(layer)"]!)
            margin = a.scalars.reduce(margin) { min($0, abs($1)) }
            h = relu(a)
        }
        return margin
    }
}
