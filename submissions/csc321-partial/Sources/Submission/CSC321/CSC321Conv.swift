import ExerciseKit

/// The convolution layer, both ways: Method 1 (a dot product per output pixel) and Method 2 (the
/// given `convolve`, three times).
extension CSC321 {
    func convForward(_ x: Tensor, _ w: Tensor, _ b: Tensor, pad: Int, method: ConvMethod) throws -> Tensor {
        let g = try ConvGeometry(x, w, pad)
        var y = [Double](repeating: 0, count: g.n * g.f * g.oh * g.ow)
        let xp = g.padded(x)
        for n in 0..<g.n {
            for f in 0..<g.f {
                let base = (n * g.f + f) * g.oh * g.ow
                switch method {
                case .dotProduct:
                    for i in 0..<g.oh {
                        for j in 0..<g.ow {
                            var sum = b.scalars[f]
                            for c in 0..<g.c {
                                for u in 0..<g.k {
                                    let row = ((n * g.c + c) * g.hp + i + u) * g.wp + j
                                    let wRow = ((f * g.c + c) * g.k + u) * g.k
                                    for v in 0..<g.k { sum += xp[row + v] * w.scalars[wRow + v] }
                                }
                            }
                            y[base + i * g.ow + j] = sum
                        }
                    }
                case .convolve:
                    throw ExerciseError.notImplemented("convForward (method 2)")
                }
            }
        }
        return Tensor(shape: [g.n, g.f, g.oh, g.ow], scalars: y)
    }

    func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, pad: Int, method: ConvMethod) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        if method == .convolve { throw ExerciseError.notImplemented("convBackward (method 2)") }
        let g = try ConvGeometry(x, w, pad)
        let xp = g.padded(x)
        var dxp = [Double](repeating: 0, count: g.n * g.c * g.hp * g.wp)
        var dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: g.f)
        var dx = [Double](repeating: 0, count: x.count)
        for n in 0..<g.n {
            for f in 0..<g.f {
                let base = (n * g.f + f) * g.oh * g.ow
                for i in 0..<(g.oh * g.ow) { db[f] += dy.scalars[base + i] }
                switch method {
                case .dotProduct:
                    for i in 0..<g.oh {
                        for j in 0..<g.ow {
                            let e = dy.scalars[base + i * g.ow + j]
                            for c in 0..<g.c {
                                for u in 0..<g.k {
                                    let row = ((n * g.c + c) * g.hp + i + u) * g.wp + j
                                    let wRow = ((f * g.c + c) * g.k + u) * g.k
                                    for v in 0..<g.k {
                                        dxp[row + v] += e * w.scalars[wRow + v]
                                        dw[wRow + v] += e * xp[row + v]
                                    }
                                }
                            }
                        }
                    }
                case .convolve:
                    break  // not yet: method 2 throws above
                }
            }
        }
        if method == .dotProduct {
            for plane in 0..<(g.n * g.c) {
                for i in 0..<g.h { for j in 0..<g.w { dx[(plane * g.h + i) * g.w + j] = dxp[(plane * g.hp + i + pad) * g.wp + j + pad] } }
            }
        }
        return (Tensor(shape: x.shape, scalars: dx), Tensor(shape: w.shape, scalars: dw), Tensor(shape: [g.f], scalars: db))
    }
}

/// A convolution's sizes: x (n, c, h, w), w (f, c, k, k), the padded input hp × wp, the output oh × ow.
struct ConvGeometry {
    let n, c, h, w, f, k, pad, hp, wp, oh, ow: Int

    init(_ x: Tensor, _ w: Tensor, _ pad: Int) throws {
        guard x.rank == 4, w.rank == 4, x.shape[1] == w.shape[1], w.shape[2] == w.shape[3], pad >= 0, pad < w.shape[2] else {
            throw ExerciseError.invalidShape("convolution of x \(x.shape) with w \(w.shape), pad \(pad)")
        }
        (n, c, h, self.w, f, k, self.pad) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[2], pad)
        (hp, wp) = (h + 2 * pad, self.w + 2 * pad)
        (oh, ow) = (hp - k + 1, wp - k + 1)
    }

    /// x with `pad` zeros around every plane.
    func padded(_ x: Tensor) -> [Double] {
        var out = [Double](repeating: 0, count: n * c * hp * wp)
        for plane in 0..<(n * c) {
            for i in 0..<h { for j in 0..<w { out[(plane * hp + i + pad) * wp + j + pad] = x.scalars[(plane * h + i) * w + j] } }
        }
        return out
    }

    func plane(_ xp: [Double], _ n: Int, _ c: Int) -> Tensor {
        let start = (n * self.c + c) * hp * wp
        return Tensor(shape: [hp, wp], scalars: Array(xp[start..<(start + hp * wp)]))
    }

    static func flipped(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, scalars: t.scalars.reversed()) }

    func kernel(_ w: Tensor, _ f: Int, _ c: Int) -> Tensor {
        let start = (f * self.c + c) * k * k
        return Tensor(shape: [k, k], scalars: Array(w.scalars[start..<(start + k * k)]))
    }
}
