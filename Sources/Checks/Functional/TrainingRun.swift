import ExerciseKit
import Foundation

/// Algorithm 1 of the hw5 handout (the skeleton's `train_mlp` / `train_cnn`), calling the
/// submission's own functions: mini-batch SGD, per-sample forward and backward, gradients summed
/// over the batch, w ← w − (γ/R)·∂L/∂w, γ ← λγ at every 1000th iteration.
struct TrainingRun {
    enum Model: String { case mlp, cnn }

    let model: Model
    let functions: any FunctionalExercise
    var iterations = 10_000
    var learningRate = 0.1
    var decay = 0.9
    var batchSize = 32

    /// Trained parameters in the handout's order and names, and the loss of every iteration.
    struct Outcome {
        var parameters: [(name: String, tensor: Tensor)]
        var losses: [Double]
        var seconds: Double
    }

    /// The shapes the submission's results must have; anything else stops training with a message.
    static func expectShape(_ tensor: Tensor, _ shape: [Int], _ what: String) throws {
        guard tensor.count == Tensor.elementCount(shape) else {
            throw CheckFailure(expected: "\(what) of shape \(shape) during training", got: "shape \(tensor.shape)",
                               hint: "run the \(what.split(separator: " ").first ?? "") group's checks: they pin the exact shapes")
        }
    }

    func run(on data: MNIST) throws -> Outcome {
        let start = DispatchTime.now()
        let batches = try functions.getMiniBatch(imTrain: data.images, labelTrain: data.labels, batchSize: batchSize)
        guard !batches.images.isEmpty, batches.images.count == batches.labels.count else {
            throw CheckFailure(expected: "mini-batches from getMiniBatch", got: "\(batches.images.count) image and \(batches.labels.count) label batches",
                               hint: "run the getMiniBatch group's checks")
        }
        // Each batch's columns, taken once: sample i of batch k is (columns[k][i], targets[k][i]).
        var columns: [[Tensor]] = [], targets: [[Tensor]] = []
        for (x, y) in zip(batches.images, batches.labels) {
            try TrainingRun.expectShape(y, [10, x.shape.last ?? 0], "getMiniBatch labels")
            let width = x.shape.last ?? 0
            columns.append((0..<width).map { i in Tensor(shape: [x.shape[0], 1], scalars: stride(from: i, to: x.count, by: width).map { x.scalars[$0] }) })
            targets.append((0..<width).map { i in Tensor(shape: [10, 1], scalars: (0..<10).map { y.scalars[$0 * width + i] }) })
        }
        var parameters = initialParameters()
        var gradients = parameters.map { Tensor(zeros: $0.tensor.shape) }
        var losses = [Double](repeating: 0, count: iterations)
        var rate = learningRate
        var k = 0
        for iteration in 0..<iterations {
            if (iteration + 1) % 1000 == 0 { rate *= decay }
            for index in gradients.indices { gradients[index].scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            let size = columns[k].count
            var total = 0.0
            let current = parameters.map(\.tensor)  // fixed for the whole batch
            for i in 0..<size {
                total += try sample(columns[k][i], targets[k][i], current, into: &gradients)
            }
            losses[iteration] = total / Double(size)
            // A diverged run stays diverged: stop, and let the judge say where it happened.
            if !losses[iteration].isFinite {
                for rest in iteration..<iterations { losses[rest] = losses[iteration] }
                break
            }
            k = (k + 1) % columns.count
            let step = rate / Double(size)
            for index in parameters.indices {
                gradients[index].scalars.withUnsafeBufferPointer { g in
                    parameters[index].tensor.scalars.withUnsafeMutableBufferPointer { w in
                        for j in w.indices { w[j] -= step * g[j] }
                    }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(parameters: parameters, losses: losses, seconds: seconds)
    }

    /// The skeleton's initialisation: MLP N(0,1) weights, CNN 0.1·N(0,1); zero biases.
    func initialParameters() -> [(name: String, tensor: Tensor)] {
        let random = RandomSource.shared
        switch model {
        case .mlp:
            return [("w1", random.normal(shape: [30, 196])), ("b1", Tensor(zeros: [30, 1])),
                    ("w2", random.normal(shape: [10, 30])), ("b2", Tensor(zeros: [10, 1]))]
        case .cnn:
            return [("w_conv", random.normal(shape: [3, 3, 1, 3], standardDeviation: 0.1)), ("b_conv", Tensor(zeros: [3, 1])),
                    ("w_fc", random.normal(shape: [10, 147], standardDeviation: 0.1)), ("b_fc", Tensor(zeros: [10, 1]))]
        }
    }

    /// total += g, four values at a time (the per-sample gradient sum is the harness's hot loop).
    @inline(__always)
    static func accumulate(_ total: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, count: Int) {
        var i = 0
        while i + 4 <= count {
            let sum = UnsafeRawPointer(total + i).loadUnaligned(as: SIMD4<Double>.self) + UnsafeRawPointer(g + i).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(total + i).storeBytes(of: sum, as: SIMD4<Double>.self)
            i += 4
        }
        while i < count { total[i] += g[i]; i += 1 }
    }

    /// One sample's forward and backward pass; adds its gradients and returns its loss.
    private func sample(_ x: Tensor, _ y: Tensor, _ p: [Tensor], into gradients: inout [Tensor]) throws -> Double {
        let f = functions
        var parts: [Tensor]
        let loss: Double
        switch model {
        case .mlp:
            let h1 = try f.fc(x: x, w: p[0], b: p[1]); try Self.expectShape(h1, [30, 1], "fc output")
            let h2 = try f.relu(h1)
            let h3 = try f.fc(x: h2, w: p[2], b: p[3]); try Self.expectShape(h3, [10, 1], "fc output")
            let (l, d) = try f.lossCrossEntropySoftmax(x: h3, y: y)
            let (dh2, dw2, db2) = try f.fcBackward(dlDy: d, x: h2, w: p[2], b: p[3])
            let dh1 = try f.reluBackward(dlDy: dh2, x: h1)
            let (_, dw1, db1) = try f.fcBackward(dlDy: dh1, x: x, w: p[0], b: p[1])
            parts = [dw1, db1, dw2, db2]
            loss = l
        case .cnn:
            let image = x.reshaped([14, 14, 1])
            let h1 = try f.conv(x: image, wConv: p[0], bConv: p[1]); try Self.expectShape(h1, [14, 14, 3], "conv output")
            let h2 = try f.relu(h1)
            let h3 = try f.pool2x2(h2); try Self.expectShape(h3, [7, 7, 3], "pool2x2 output")
            let h4 = h3.reshaped([147, 1])
            let h5 = try f.fc(x: h4, w: p[2], b: p[3]); try Self.expectShape(h5, [10, 1], "fc output")
            let (l, d) = try f.lossCrossEntropySoftmax(x: h5, y: y)
            let (dh4, dwf, dbf) = try f.fcBackward(dlDy: d, x: h4, w: p[2], b: p[3])
            try Self.expectShape(dh4, [147, 1], "fcBackward dlDx")
            let dh2 = try f.pool2x2Backward(dlDy: dh4.reshaped([7, 7, 3]), x: h2)
            let dh1 = try f.reluBackward(dlDy: dh2, x: h1)
            let (dwc, dbc) = try f.convBackward(dlDy: dh1, x: image, wConv: p[0], bConv: p[1])
            parts = [dwc, dbc, dwf, dbf]
            loss = l
        }
        for index in parts.indices {
            try Self.expectShape(parts[index], gradients[index].shape, "gradient of \(index % 2 == 0 ? "weights" : "bias")")
            parts[index].scalars.withUnsafeBufferPointer { g in
                gradients[index].scalars.withUnsafeMutableBufferPointer { total in
                    TrainingRun.accumulate(total.baseAddress!, g.baseAddress!, count: total.count)
                }
            }
        }
        return loss
    }
}
