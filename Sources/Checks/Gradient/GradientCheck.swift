import ExerciseKit

/// A loss at the end of a gradient-checked chain: forward to a scalar, backward to dL/dprediction.
protocol CheckedLoss: AnyObject {
    func forward(_ prediction: Tensor, _ label: Tensor) throws -> Double
    func backward(_ label: Tensor) throws -> Tensor
}

/// The test file's L2Loss: Σ (x − label)², gradient 2(x − label).
final class L2Loss: CheckedLoss {
    private var prediction = Tensor(zeros: [0])
    func forward(_ prediction: Tensor, _ label: Tensor) throws -> Double {
        // The prediction is a student's output: a wrong shape is a failure, never a trap here.
        guard prediction.shape == label.shape else {
            throw CheckFailure(expected: "the last layer's output of shape \(label.shape)", got: "shape \(prediction.shape)",
                               hint: "forward returns (batch, outputs); check the layer's output shape first (its size checks)")
        }
        self.prediction = prediction
        return prediction.zipWith(label) { ($0 - $1) * ($0 - $1) }.sum()
    }
    func backward(_ label: Tensor) throws -> Tensor { prediction.zipWith(label) { 2 * ($0 - $1) } }
}

/// A submission's loss layer used as the end of a chain.
final class SubmissionLoss: CheckedLoss {
    let layer: any LossLayer
    init(_ layer: any LossLayer) { self.layer = layer }
    func forward(_ prediction: Tensor, _ label: Tensor) throws -> Double {
        try layer.forward(predictionTensor: prediction, labelTensor: label)
    }
    func backward(_ label: Tensor) throws -> Tensor { try layer.backward(labelTensor: label) }
}

/// Numeric gradient checks as the exercise's `Helpers.py`: central differences with ε = 1e-5,
/// per-element relative error |a − n| / max(|a|, |n|) (0 when both are below 1e-15), summed and
/// compared with each test's tolerance.
enum GradientCheck {
    static let epsilon = 1e-5

    /// The outcome: every element's relative error, with the analytic and numeric values.
    struct Report {
        var differences: [Double] = []
        var analytic: [Double] = []
        var numeric: [Double] = []
        var shape: [Int] = []

        var sum: Double { differences.reduce(0, +) }

        /// The multi-index of the element with the largest relative error.
        var worst: Int { differences.indices.max { differences[$0] < differences[$1] || differences[$0].isNaN } ?? 0 }

        mutating func append(analytic a: Double, numeric n: Double) {
            analytic.append(a)
            numeric.append(n)
            let scale = max(abs(a), abs(n))
            differences.append(scale < 1e-15 ? 0 : abs(a - n) / scale)
        }

        /// Fails with the sum, the worst element and the tolerance.
        func expect(tolerance: Double, what: String, hint: String) throws {
            let total = sum
            guard total.isNaN || total > tolerance else { return }
            let index = worst
            let position = Tensor(zeros: shape).multiIndex(of: index)
            throw CheckFailure(
                expected: "\(what): sum of relative errors <= \(tolerance)",
                got: "sum \(total); worst element \(position): analytic \(analytic[index]), numeric \(numeric[index])",
                hint: hint)
        }
    }

    /// The loss of `layers` followed by `loss` on `input`.
    static func loss(_ layers: [any Layer], _ loss: CheckedLoss, _ input: Tensor, _ label: Tensor) throws -> Double {
        var activation = input
        for layer in layers { activation = try layer.forward(activation) }
        return try loss.forward(activation, label)
    }

    /// One forward and backward pass; returns dL/dinput.
    @discardableResult
    static func backpropagate(_ layers: [any Layer], _ loss: CheckedLoss, _ input: Tensor, _ label: Tensor) throws -> Tensor {
        _ = try self.loss(layers, loss, input, label)
        var error = try loss.backward(label)
        for layer in layers.reversed() { error = try layer.backward(error) }
        return error
    }

    /// `gradient_check`: dL/dinput against central differences for every input element.
    static func input(_ layers: [any Layer], _ loss: CheckedLoss, _ input: Tensor, _ label: Tensor) throws -> Report {
        let analytic = try backpropagate(layers, loss, input, label)
        guard analytic.count == input.count else {
            throw CheckFailure(expected: "backward returning the input's shape \(input.shape)", got: "shape \(analytic.shape)",
                               hint: "the error passed down must have the shape of the layer's input")
        }
        var report = Report(shape: input.shape)
        for index in input.scalars.indices {
            var plus = input, minus = input
            plus.scalars[index] += epsilon
            minus.scalars[index] -= epsilon
            let numeric = (try self.loss(layers, loss, plus, label) - self.loss(layers, loss, minus, label)) / (2 * epsilon)
            report.append(analytic: analytic.scalars[index], numeric: numeric)
        }
        return report
    }

    /// `gradient_check_weights`: the first layer's weights (or bias) gradient against central
    /// differences, re-running forward and backward for every element as the original does.
    static func weights(_ layers: [any Layer], _ loss: CheckedLoss, _ input: Tensor, _ label: Tensor, bias: Bool) throws -> Report {
        guard let layer = layers.first as? any TrainableLayer else {
            throw CheckFailure(expected: "a trainable first layer", got: "\(type(of: layers.first))", hint: "")
        }
        let conv = layer as? any ConvLayer
        if bias && conv == nil { throw CheckFailure(expected: "a layer with a bias", got: "\(type(of: layer))", hint: "") }
        let original = bias ? conv!.bias : layer.weights
        func assign(_ value: Tensor) { if bias { conv!.bias = value } else { layer.weights = value } }
        var report = Report(shape: original.shape)
        for index in original.scalars.indices {
            assign(original)
            try backpropagate(layers, loss, input, label)
            let gradient = bias ? conv!.gradientBias : layer.gradientWeights
            guard gradient.count == original.count else {
                throw CheckFailure(expected: "\(bias ? "gradientBias" : "gradientWeights") of shape \(original.shape)",
                                   got: "shape \(gradient.shape)", hint: "a parameter's gradient has the parameter's shape")
            }
            var plus = original, minus = original
            plus.scalars[index] += epsilon
            minus.scalars[index] -= epsilon
            assign(plus)
            let upper = try self.loss(layers, loss, input, label)
            assign(minus)
            let lower = try self.loss(layers, loss, input, label)
            report.append(analytic: gradient.scalars[index], numeric: (upper - lower) / (2 * epsilon))
        }
        assign(original)
        return report
    }
}

extension Tensor {
    /// The multi-index of a flat offset.
    func multiIndex(of offset: Int) -> [Int] {
        var rest = offset
        var index = Array(repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
