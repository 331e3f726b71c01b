import ExerciseKit
import Foundation

/// The judge's own forward pass of the modular exercise's networks, fast enough to run several
/// times per training iteration: the loss of the judge's parameters on a mini-batch, and at two
/// nearby points along a direction only the judge knows (a central difference), against which the
/// student's `loss(X, y)` and its gradients are checked before the judge uses them.
/// (`ModularOracle` holds the same arithmetic written for clarity; tests check the two agree.)
enum ModularVerifier {
    struct Measure {
        var loss = 0.0
        var largestSampleLoss = 0.0
    }

    /// The mean softmax loss of `params` on `x` (rows of 196 or N×1×14×14) for labels `y`, plus
    /// 0.5·reg·ΣW².
    static func measure(_ x: Tensor, _ y: [Int], _ params: [String: Tensor], _ network: ModularSolver.Request.Network, reg: Double) -> Measure {
        let scores = network == .fullyConnectedNet ? fullyConnected(x, params) : convNet(x, params)
        let n = y.count, classes = scores.count / max(1, n)
        var result = Measure()
        for row in 0..<n {
            let s = scores[(row * classes)..<(row * classes + classes)]
            let shift = s.max()!
            let loss = log(s.reduce(0) { $0 + exp($1 - shift) }) + shift - s[row * classes + y[row]]
            result.loss += loss
            result.largestSampleLoss = max(result.largestSampleLoss, loss)
        }
        result.loss = result.loss / Double(max(1, n)) + CheckMath.regularization(params, reg: reg)
        return result
    }

    /// out = relu?(h·W + b) for h n×d, W d×m (row-major); rows of h that are 0 are skipped.
    static func affine(_ h: [Double], n: Int, _ w: Tensor, _ b: Tensor, relu: Bool) -> [Double] {
        let (d, m) = (w.shape[0], w.shape[1])
        var out = [Double](repeating: 0, count: n * m)
        out.withUnsafeMutableBufferPointer { out in
            w.scalars.withUnsafeBufferPointer { w in
                h.withUnsafeBufferPointer { h in
                    for row in 0..<n {
                        let o = out.baseAddress! + row * m
                        for column in 0..<m { o[column] = b.scalars[column] }
                        for k in 0..<d {
                            let a = h[row * d + k]
                            guard a != 0 else { continue }
                            let wk = w.baseAddress! + k * m
                            for column in 0..<m { o[column] += a * wk[column] }
                        }
                        if relu { for column in 0..<m where !(o[column] > 0) { o[column] = 0 } }
                    }
                }
            }
        }
        return out
    }

    static func fullyConnected(_ x: Tensor, _ params: [String: Tensor]) -> [Double] {
        let layers = params.count / 2, n = x.shape[0]
        var h = x.scalars
        for layer in 1...layers {
            h = affine(h, n: n, params["W\(layer)"]!, params["b\(layer)"]!, relu: layer < layers)
        }
        return h
    }

    /// conv (stride 1, zero padding (size − 1)/2), ReLU, 2×2 max pool, affine, ReLU, affine. The
    /// convolution scatters each non-zero pixel: most of an MNIST image is background.
    static func convNet(_ x: Tensor, _ params: [String: Tensor]) -> [Double] {
        let (w1, b1) = (params["W1"]!, params["b1"]!)
        let (n, c, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (filters, size) = (w1.shape[0], w1.shape[2])
        let pad = (size - 1) / 2
        let plane = height * width
        var activated = [Double](repeating: 0, count: n * filters * plane)
        activated.withUnsafeMutableBufferPointer { out in
            x.scalars.withUnsafeBufferPointer { x in
                w1.scalars.withUnsafeBufferPointer { w in
                    for image in 0..<n {
                        let o = out.baseAddress! + image * filters * plane
                        for f in 0..<filters { for p in 0..<plane { o[f * plane + p] = b1.scalars[f] } }
                        for channel in 0..<c { for r in 0..<height { for col in 0..<width {
                            let value = x[((image * c + channel) * height + r) * width + col]
                            guard value != 0 else { continue }
                            // Output (i, j) reads input (i + u − pad, j + v − pad) with tap (u, v).
                            for u in 0..<size {
                                let i = r - u + pad
                                guard i >= 0, i < height else { continue }
                                for v in 0..<size {
                                    let j = col - v + pad
                                    guard j >= 0, j < width else { continue }
                                    for f in 0..<filters { o[f * plane + i * width + j] += value * w[((f * c + channel) * size + u) * size + v] }
                                }
                            }
                        } } }
                    }
                }
            }
        }
        let (ph, pw) = (height / 2, width / 2)
        var pooled = [Double](repeating: 0, count: n * filters * ph * pw)
        for image in 0..<n { for f in 0..<filters {
            let base = (image * filters + f) * plane
            for i in 0..<ph { for j in 0..<pw {
                let top = base + 2 * i * width + 2 * j
                let best = max(activated[top], activated[top + 1], activated[top + width], activated[top + width + 1])
                pooled[((image * filters + f) * ph + i) * pw + j] = max(0, best)  // ReLU before pooling: max commutes
            } }
        } }
        let hidden = affine(pooled, n: n, params["W2"]!, params["b2"]!, relu: true)
        return affine(hidden, n: n, params["W3"]!, params["b3"]!, relu: false)
    }
}
