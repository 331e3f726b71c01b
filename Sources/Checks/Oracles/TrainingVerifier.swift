import ExerciseKit
import Foundation

/// What the judge computes itself, at every iteration of an hw5 training, to check the worker's
/// answer: the mini-batch's mean loss at the judge's parameters, and the derivative of that loss
/// along a direction only the judge knows (forward mode: each value carries its derivative along
/// the direction, so one pass gives both, exactly). A summed gradient G from the student's
/// functions must satisfy ⟨G, v⟩ / R = that derivative; a gradient steering anywhere else fails
/// it, whatever loss it reports, because it cannot know v.
///
/// The direction leaves the conv bias out: at the start that bias is 0, so every background
/// window of the image sits exactly on ReLU's and max pooling's kinks, where the derivative along
/// the bias depends on conventions (x > 0 or ≥ 0, which tied maximum) that the function groups
/// test on their own. Three numbers cannot carry a trained network.
struct TrainingVerifier {
    let model: TrainingRun.Model
    /// Sample-major images (row i is sample i's 196 pixels) and class ids.
    let pixels: [Double]
    let labels: [Int]

    init(model: TrainingRun.Model, data: MNIST) {
        self.model = model
        let n = data.count
        var rows = [Double](repeating: 0, count: n * 196)
        data.images.scalars.withUnsafeBufferPointer { columns in
            for feature in 0..<196 { for sample in 0..<n { rows[sample * 196 + feature] = columns[feature * n + sample] } }
        }
        pixels = rows
        labels = data.labels.scalars.map { Int($0) }
    }

    struct Measure {
        /// The batch's mean loss and its derivative along the direction.
        var loss = 0.0, slope = 0.0
        /// The largest single sample's loss: where one is huge, a student's guarded logarithm
        /// (log(p + ε)) legitimately reports less, so the loss is compared only below a bound.
        var largestSampleLoss = 0.0
    }

    /// The mean loss and slope over samples `batch` at `p` along `v` (handout order and shapes).
    func measure(_ batch: ArraySlice<Int>, _ p: [Tensor], along v: [Tensor]) -> Measure {
        var result = Measure()
        pixels.withUnsafeBufferPointer { images in
            for sample in batch {
                let x = images.baseAddress! + sample * 196
                let (loss, slope) = model == .mlp ? Self.mlp(x, labels[sample], p, v) : Self.cnn(x, labels[sample], p, v)
                result.loss += loss
                result.slope += slope
                result.largestSampleLoss = max(result.largestSampleLoss, loss)
            }
        }
        let count = Double(max(1, batch.count))
        result.loss /= count
        result.slope /= count
        return result
    }

    /// Cross-entropy of softmax(s) for class `label`, and its derivative along ṡ.
    static func crossEntropy(_ s: [Double], _ ds: [Double], _ label: Int) -> (Double, Double) {
        let shift = s.max()!
        var total = 0.0
        for value in s { total += exp(value - shift) }
        var slope = 0.0
        for k in s.indices { slope += exp(s[k] - shift) / total * ds[k] }
        return (log(total) + shift - s[label], slope - ds[label])
    }

    /// Σ a[i]·b[i], four lanes at a time.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var lanes = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= count {
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        var total = lanes.sum()
        while i < count { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// s = W h + b and ṡ = W ḣ + V h + v_b for an fc layer (W rows × columns, row-major).
    static func fc(_ w: Tensor, _ b: Tensor, _ dw: Tensor, _ db: Tensor, _ h: UnsafePointer<Double>, _ dh: UnsafePointer<Double>?,
                   rows: Int, columns: Int, _ s: inout [Double], _ ds: inout [Double]) {
        w.scalars.withUnsafeBufferPointer { w in
            dw.scalars.withUnsafeBufferPointer { dw in
                for r in 0..<rows {
                    let row = w.baseAddress! + r * columns
                    s[r] = dot(row, h, columns) + b.scalars[r]
                    ds[r] = dot(dw.baseAddress! + r * columns, h, columns) + db.scalars[r] + (dh.map { dot(row, $0, columns) } ?? 0)
                }
            }
        }
    }

    static func mlp(_ x: UnsafePointer<Double>, _ label: Int, _ p: [Tensor], _ v: [Tensor]) -> (Double, Double) {
        let hidden = p[0].shape[0]
        var a = [Double](repeating: 0, count: hidden), da = a
        fc(p[0], p[1], v[0], v[1], x, nil, rows: hidden, columns: 196, &a, &da)
        for j in 0..<hidden where !(a[j] > 0) { a[j] = 0; da[j] = 0 }
        var s = [Double](repeating: 0, count: 10), ds = s
        a.withUnsafeBufferPointer { h in da.withUnsafeBufferPointer { dh in
            fc(p[2], p[3], v[2], v[3], h.baseAddress!, dh.baseAddress!, rows: 10, columns: hidden, &s, &ds)
        } }
        return crossEntropy(s, ds, label)
    }

    /// conv 3×3×1×3 (correlation, zero padding 1), ReLU, 2×2 max pooling, fc 147 → 10. The
    /// convolution scatters each non-zero pixel: most of an MNIST image is background.
    static func cnn(_ x: UnsafePointer<Double>, _ label: Int, _ p: [Tensor], _ v: [Tensor]) -> (Double, Double) {
        let (w, b, dw) = (p[0].scalars, p[1].scalars, v[0].scalars)
        var a = [Double](repeating: 0, count: 14 * 14 * 3), da = a
        for i in 0..<196 { for o in 0..<3 { a[i * 3 + o] = b[o] } }  // v's conv bias is 0
        for r in 0..<14 { for c in 0..<14 {
            let value = x[r * 14 + c]
            guard value != 0 else { continue }
            // Output (i, j) reads input (i + u − 1, j + v − 1) with kernel tap (u, v).
            for u in 0..<3 {
                let i = r - u + 1
                guard i >= 0, i < 14 else { continue }
                for t in 0..<3 {
                    let j = c - t + 1
                    guard j >= 0, j < 14 else { continue }
                    let out = (i * 14 + j) * 3, tap = (u * 3 + t) * 3
                    for o in 0..<3 {
                        a[out + o] += value * w[tap + o]
                        da[out + o] += value * dw[tap + o]
                    }
                }
            }
        } }
        // ReLU, then each window's first maximum (ties carry equal derivatives here: see above).
        var h = [Double](repeating: 0, count: 147), dh = h
        for i in 0..<7 { for j in 0..<7 { for o in 0..<3 {
            var best = -Double.infinity, slope = 0.0
            for (di, dj) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let index = ((2 * i + di) * 14 + 2 * j + dj) * 3 + o
                let (value, derivative) = a[index] > 0 ? (a[index], da[index]) : (0, 0)
                if value > best { (best, slope) = (value, derivative) }
            }
            h[(i * 7 + j) * 3 + o] = best
            dh[(i * 7 + j) * 3 + o] = slope
        } } }
        var s = [Double](repeating: 0, count: 10), ds = s
        h.withUnsafeBufferPointer { h in dh.withUnsafeBufferPointer { dh in
            fc(p[2], p[3], v[2], v[3], h.baseAddress!, dh.baseAddress!, rows: 10, columns: 147, &s, &ds)
        } }
        return crossEntropy(s, ds, label)
    }
}
