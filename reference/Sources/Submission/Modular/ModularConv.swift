import ExerciseKit

/// The modular exercise's naive convolution and max pooling, on (N, C, H, W) batches.
extension Modular {
    struct ConvCache {
        let x: Tensor, w: Tensor, b: Tensor, parameters: ConvParameters
    }

    struct PoolCache {
        let x: Tensor, parameters: PoolParameters
    }

    public func convForwardNaive(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ parameters: ConvParameters) throws -> (out: Tensor, cache: LayerCache) {
        guard x.rank == 4, w.rank == 4, w.shape[1] == x.shape[1], b.count == w.shape[0], parameters.stride > 0, parameters.pad >= 0 else {
            throw ExerciseError.invalidShape("convForwardNaive: x \(x.shape), w \(w.shape), b \(b.shape), stride \(parameters.stride), pad \(parameters.pad)")
        }
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (f, hh, ww) = (w.shape[0], w.shape[2], w.shape[3])
        let (s, p) = (parameters.stride, parameters.pad)
        guard h + 2 * p >= hh, wd + 2 * p >= ww else { throw ExerciseError.invalidShape("convForwardNaive: the kernel \(w.shape) is larger than the padded input \(x.shape)") }
        let (ho, wo) = (1 + (h + 2 * p - hh) / s, 1 + (wd + 2 * p - ww) / s)
        var out = [Double](repeating: 0, count: n * f * ho * wo)
        x.scalars.withUnsafeBufferPointer { input in
            w.scalars.withUnsafeBufferPointer { kernel in
                for image in 0..<n {
                    for filter in 0..<f {
                        for i in 0..<ho {
                            for j in 0..<wo {
                                var sum = b.scalars[filter]
                                for channel in 0..<c {
                                    for u in 0..<hh {
                                        let row = i * s + u - p
                                        if row < 0 || row >= h { continue }
                                        let inputRow = ((image * c + channel) * h + row) * wd
                                        let kernelRow = ((filter * c + channel) * hh + u) * ww
                                        for v in 0..<ww {
                                            let column = j * s + v - p
                                            if column < 0 || column >= wd { continue }
                                            sum += input[inputRow + column] * kernel[kernelRow + v]
                                        }
                                    }
                                }
                                out[((image * f + filter) * ho + i) * wo + j] = sum
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: [n, f, ho, wo], scalars: out), ConvCache(x: x, w: w, b: b, parameters: parameters))
    }

    public func convBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        guard let cache = cache as? ConvCache else { throw ExerciseError.invalidShape("convBackwardNaive: not a convolution cache") }
        let (x, w) = (cache.x, cache.w)
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (f, hh, ww) = (w.shape[0], w.shape[2], w.shape[3])
        let (s, p) = (cache.parameters.stride, cache.parameters.pad)
        let (ho, wo) = (1 + (h + 2 * p - hh) / s, 1 + (wd + 2 * p - ww) / s)
        guard dout.shape == [n, f, ho, wo] else { throw ExerciseError.invalidShape("convBackwardNaive: dout \(dout.shape), expected \([n, f, ho, wo])") }
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: f)
        x.scalars.withUnsafeBufferPointer { input in
            w.scalars.withUnsafeBufferPointer { kernel in
                for image in 0..<n {
                    for filter in 0..<f {
                        for i in 0..<ho {
                            for j in 0..<wo {
                                let g = dout.scalars[((image * f + filter) * ho + i) * wo + j]
                                if g == 0 { continue }
                                db[filter] += g
                                for channel in 0..<c {
                                    for u in 0..<hh {
                                        let row = i * s + u - p
                                        if row < 0 || row >= h { continue }
                                        let inputRow = ((image * c + channel) * h + row) * wd
                                        let kernelRow = ((filter * c + channel) * hh + u) * ww
                                        for v in 0..<ww {
                                            let column = j * s + v - p
                                            if column < 0 || column >= wd { continue }
                                            dw[kernelRow + v] += g * input[inputRow + column]
                                            dx[inputRow + column] += g * kernel[kernelRow + v]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: x.shape, scalars: dx), Tensor(shape: w.shape, scalars: dw), Tensor(shape: cache.b.shape, scalars: db))
    }

    public func maxPoolForwardNaive(_ x: Tensor, _ parameters: PoolParameters) throws -> (out: Tensor, cache: LayerCache) {
        let (ph, pw, s) = (parameters.poolHeight, parameters.poolWidth, parameters.stride)
        guard x.rank == 4, ph > 0, pw > 0, s > 0, x.shape[2] >= ph, x.shape[3] >= pw else {
            throw ExerciseError.invalidShape("maxPoolForwardNaive: x \(x.shape), pool \(ph)×\(pw), stride \(s)")
        }
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (1 + (h - ph) / s, 1 + (wd - pw) / s)
        var out = [Double](repeating: 0, count: n * c * ho * wo)
        for plane in 0..<(n * c) {
            for i in 0..<ho {
                for j in 0..<wo {
                    var best = -Double.infinity
                    for u in 0..<ph { for v in 0..<pw { best = max(best, x.scalars[(plane * h + i * s + u) * wd + j * s + v]) } }
                    out[(plane * ho + i) * wo + j] = best
                }
            }
        }
        return (Tensor(shape: [n, c, ho, wo], scalars: out), PoolCache(x: x, parameters: parameters))
    }

    public func maxPoolBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        guard let cache = cache as? PoolCache else { throw ExerciseError.invalidShape("maxPoolBackwardNaive: not a pooling cache") }
        let x = cache.x
        let (ph, pw, s) = (cache.parameters.poolHeight, cache.parameters.poolWidth, cache.parameters.stride)
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (1 + (h - ph) / s, 1 + (wd - pw) / s)
        guard dout.shape == [n, c, ho, wo] else { throw ExerciseError.invalidShape("maxPoolBackwardNaive: dout \(dout.shape), expected \([n, c, ho, wo])") }
        var dx = [Double](repeating: 0, count: x.count)
        for plane in 0..<(n * c) {
            for i in 0..<ho {
                for j in 0..<wo {
                    // The first maximum of the window gets the gradient (numpy's argmax).
                    var (best, at) = (-Double.infinity, 0)
                    for u in 0..<ph {
                        for v in 0..<pw {
                            let index = (plane * h + i * s + u) * wd + j * s + v
                            if x.scalars[index] > best { (best, at) = (x.scalars[index], index) }
                        }
                    }
                    dx[at] += dout.scalars[(plane * ho + i) * wo + j]
                }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}
