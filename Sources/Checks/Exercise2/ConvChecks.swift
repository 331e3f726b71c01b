import ExerciseKit
import Foundation

/// `TestConv` (spec §1.6): sizes, values against a 3×3 Gaussian, gradients, initialisation.
enum ConvChecks {
    static let batch = 2
    static let inputShape = [3, 10, 14]
    static let kernelShape = [3, 5, 8]

    static func make(_ registry: SubmissionRegistry, _ stride: [Int], _ kernel: [Int], _ count: Int) throws -> any ConvLayer {
        try require(registry.conv, "Conv")(stride, kernel, count)
    }

    static func sizeCheck(_ name: String, stride: [Int], kernel: [Int], kernels: Int, input: [Int], output: [Int], backward: Bool = false, hint: String) -> Check {
        Check(name, "Conv(\(stride), \(kernel), \(kernels)) on \(input) gives \(backward ? input : output)") { registry in
            let layer = try make(registry, stride, kernel, kernels)
            let x = Tensor.arange(shape: input)
            let y = try layer.forward(x)
            try expectShape(y, output, what: "forward output", hint: hint)
            if backward {
                try expectShape(try layer.backward(y), input, what: "backward(forward(x))",
                                hint: "backward returns the error with the input's shape; undo the stride by spreading errors back")
            }
        }
    }

    static let sameHint = "use zero \"same\" padding (m−1 zeros per axis; for even m, m/2 before as scipy or m/2−1 before, both accepted), then keep every stride-th output: ⌈size/stride⌉"

    /// `gaussian_filter(x, σ=0.85, mode='constant', truncate=1.0)` of one 2-D plane: a separable
    /// 3-tap kernel, zero outside.
    static func gaussian(_ plane: Tensor) -> Tensor {
        let sigma = 0.85
        let side = exp(-1 / (2 * sigma * sigma))
        let taps = [side, 1, side].map { $0 / (1 + 2 * side) }
        let (height, width) = (plane.shape[0], plane.shape[1])
        func blur(_ source: Tensor, vertical: Bool) -> Tensor {
            var result = Tensor(zeros: source.shape)
            for y in 0..<height {
                for x in 0..<width {
                    var total = 0.0
                    for offset in -1...1 {
                        let (yy, xx) = vertical ? (y + offset, x) : (y, x + offset)
                        if yy >= 0, yy < height, xx >= 0, xx < width { total += taps[offset + 1] * source[yy, xx] }
                    }
                    result[y, x] = total
                }
            }
            return result
        }
        return blur(blur(plane, vertical: true), vertical: false)
    }

    static let gaussianKernel = Tensor(rows: [[1, 2, 1], [2, 3, 2], [1, 2, 1]]) / 15

    /// Conv((1,1), (channels,3,3), 1) with the Gaussian-like kernel in every channel, given bias.
    static func gaussianConv(_ registry: SubmissionRegistry, channels: Int, bias: Double) throws -> any ConvLayer {
        let layer = try make(registry, [1, 1], [channels, 3, 3], 1)
        layer.weights = Tensor(shape: [1, channels, 3, 3], scalars: Array((0..<channels).map { _ in gaussianKernel.scalars }.joined()))
        layer.bias = Tensor([bias])
        return layer
    }

    /// - Parameter identical: every channel the same plane (else independent random planes).
    static func valueCheck(_ name: String, channels: Int, identical: Bool, bias: Double, tolerance: Double, summary: String) -> Check {
        Check(name, summary) { registry in
            let planes = identical ? Array(repeating: Fixtures.random([10, 14]), count: channels)
                                   : (0..<channels).map { _ in Fixtures.random([10, 14]) }
            let input = Tensor(shape: [1, channels, 10, 14], scalars: Array(planes.map(\.scalars).joined()))
            let output = try gaussianConv(registry, channels: channels, bias: bias).forward(input)
            try expectShape(output, [1, 1, 10, 14], what: "forward output", hint: sameHint)
            let expected = planes.map(gaussian).reduce(Tensor(zeros: [10, 14]), +) + bias
            let worst = zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .nan
            try expect(worst < tolerance, expected: "output within \(tolerance) of \(bias == 0 ? "" : "\(bias) + ")\(channels == 1 ? "" : "\(channels)·")gaussian_filter(x, σ = 0.85)",
                       got: "largest difference \(worst)",
                       hint: "out[k, y, x] = bias[k] + Σ_c Σ_u,v w[k, c, u, v]·x[c, y+u−1, x+v−1] with zeros outside, summed over all input channels")
        }
    }

    static func gradientSetup(_ registry: SubmissionRegistry, stride: [Int], labelColumns: Int, oneHot: Bool) throws -> ([any Layer], Tensor, Tensor) {
        let input = Fixtures.random([2, 3, 5, 7])
        let layers: [any Layer] = [try make(registry, stride, [3, 3, 3], 3), try require(registry.flatten, "Flatten")()]
        let label = oneHot ? Fixtures.oneHot(batch: 2, categories: labelColumns) : Fixtures.random([2, labelColumns])
        return (layers, input, label)
    }

    static let group = CheckGroup(name: "TestConv", checks: [
        Check("trainable", "Conv is trainable") { registry in
            try expect(try make(registry, [1, 1], kernelShape, 4).trainable, expected: "trainable == true", got: "false", hint: "Conv has weights")
        },
        sizeCheck("forwardSize", stride: [1, 1], kernel: kernelShape, kernels: 4, input: [batch] + inputShape, output: [2, 4, 10, 14], hint: sameHint),
        sizeCheck("forwardSizeStride", stride: [3, 2], kernel: kernelShape, kernels: 4, input: [batch] + inputShape, output: [2, 4, 4, 7], hint: sameHint),
        sizeCheck("forwardSizeStrideUnevenImage", stride: [3, 2], kernel: kernelShape, kernels: 5, input: [3, 3, 11, 15], output: [3, 5, 4, 8], hint: sameHint),
        sizeCheck("forward1DSize", stride: [2], kernel: [3, 3], kernels: 4, input: [2, 3, 15], output: [2, 4, 8],
                  hint: "1-D input is (b, c, y) with kernels (c, m): same padding, output ⌈y/stride⌉"),
        sizeCheck("backwardSize", stride: [1, 1], kernel: kernelShape, kernels: 4, input: [batch] + inputShape, output: [2, 4, 10, 14], backward: true, hint: sameHint),
        sizeCheck("backwardSizeStride", stride: [3, 2], kernel: kernelShape, kernels: 4, input: [batch] + inputShape, output: [2, 4, 4, 7], backward: true, hint: sameHint),
        sizeCheck("backward1DSize", stride: [2], kernel: [3, 3], kernels: 4, input: [2, 3, 15], output: [2, 4, 8], backward: true,
                  hint: "1-D input is (b, c, y) with kernels (c, m)"),
        sizeCheck("convolution1x1", stride: [1, 1], kernel: [3, 1, 1], kernels: 4, input: [batch] + inputShape, output: [2, 4, 10, 14], backward: true,
                  hint: "a 1×1 kernel needs no padding: a weighted sum over channels per pixel"),
        valueCheck("forward", channels: 1, identical: true, bias: 0, tolerance: 0.05,
                   summary: "a 3×3 kernel [[1,2,1],[2,3,2],[1,2,1]]/15 matches gaussian_filter(σ=0.85) within 0.05"),
        valueCheck("forwardMultiChannel", channels: 2, identical: false, bias: 1, tolerance: 0.1,
                   summary: "two channels and bias 1: 1 + Σ gaussian_filter(channel), max difference/2 < 0.05"),
        valueCheck("forwardFullyConnectedChannels", channels: 3, identical: true, bias: 0, tolerance: 0.2,
                   summary: "three identical channels: 3·gaussian_filter within 0.2"),
        Check("layoutPreservation", "a kernel that picks channel 1 at the centre returns input[:, 1]") { registry in
            let layer = try make(registry, [1, 1], [3, 3, 3], 1)
            let picker = RecordingInitializer { shape in
                var weights = Tensor(zeros: shape)
                if shape == [1, 3, 3, 3] { weights[0, 1, 1, 1] = 1 }
                return weights
            }
            try layer.initialize(weightsInitializer: picker, biasInitializer: HarnessConstant(0))
            let input = Tensor.arange(shape: [batch] + inputShape)
            let output = try layer.forward(input)
            let channel1 = Tensor(shape: [2, 1, 10, 14], scalars: (0..<2).flatMap { b in input.scalars[((b * 3 + 1) * 140)..<((b * 3 + 2) * 140)] })
            try expectAllClose(output, channel1, tolerance: 1e-9, what: "forward output",
                               hint: "keep the (b, c, y, x) layout: no transposes of y and x, and correlate (kernel index u, v adds to y, x)")
        },
        Check("gradient", "input gradient through [Conv((1,1),(3,3,3),3), Flatten, L2] <= 5e-2") { registry in
            let (layers, input, label) = try gradientSetup(registry, stride: [1, 1], labelColumns: 105, oneHot: true)
            try GradientCheck.input(layers, L2Loss(), input, label).expect(tolerance: 5e-2, what: "Conv input gradient",
                hint: "the input error is the correlation of the error with the kernel flipped (a full convolution), summed over kernels")
        },
        Check("gradientWeights", "weight gradient through [Conv((1,1),(3,3,3),3), Flatten, L2] <= 1e-5") { registry in
            let (layers, input, label) = try gradientSetup(registry, stride: [1, 1], labelColumns: 105, oneHot: true)
            try GradientCheck.weights(layers, L2Loss(), input, label, bias: false).expect(tolerance: 1e-5, what: "Conv weight gradient",
                hint: "dL/dw[k, c, u, v] = Σ_b,y,x E[b, k, y, x]·xpad[b, c, y+u, x+v], summed over the batch; forward and backward must use the same kernel orientation")
        },
        Check("gradientWeightsStrided", "weight gradient with stride (2, 2) <= 1e-5") { registry in
            let (layers, input, label) = try gradientSetup(registry, stride: [2, 2], labelColumns: 36, oneHot: false)
            try GradientCheck.weights(layers, L2Loss(), input, label, bias: false).expect(tolerance: 1e-5, what: "strided Conv weight gradient",
                hint: "place each strided error at position (y·sy, x·sx) of a full-size error before correlating")
        },
        Check("gradientBias", "bias gradient <= 1e-5") { registry in
            let (layers, input, label) = try gradientSetup(registry, stride: [1, 1], labelColumns: 105, oneHot: true)
            try GradientCheck.weights(layers, L2Loss(), input, label, bias: true).expect(tolerance: 1e-5, what: "Conv bias gradient",
                hint: "gradientBias[k] = Σ over batch, y and x of E[b, k, y, x]; shape (K)")
        },
        Check("gradientStride", "input gradient through Conv((1,2),(6,3,3),1) on (2,6,5,14) <= 1e-4") { registry in
            let input = Fixtures.random([2, 6, 5, 14])
            let layers: [any Layer] = [try make(registry, [1, 2], [6, 3, 3], 1), try require(registry.flatten, "Flatten")()]
            let label = Fixtures.random([2, 35])
            try GradientCheck.input(layers, L2Loss(), input, label).expect(tolerance: 1e-4, what: "strided Conv input gradient",
                hint: "upsample the error to the unstrided size (zeros between) before the backward correlation")
        },
        Check("weightsInit", "a new Conv((1,1),(100,10,10),150) has mean |w| > 1e-3") { registry in
            let mean = try make(registry, [1, 1], [100, 10, 10], 150).weights.map(abs).mean()
            try expect(mean > 1e-3, expected: "mean |weights| > 1e-3 right after construction", got: "\(mean)",
                       hint: "initialise the weights uniformly in [0, 1) in the constructor")
        },
        Check("biasInit", "a new Conv with 150,000 kernels has mean |bias| > 1e-3") { registry in
            let mean = try make(registry, [1, 1], [1, 1, 1], 150 * 100 * 10 * 10).bias.map(abs).mean()
            try expect(mean > 1e-3, expected: "mean |bias| > 1e-3 right after construction", got: "\(mean)",
                       hint: "initialise the bias uniformly in [0, 1) in the constructor")
        },
        Check("update", "ten gradient-ascent steps of Conv((3,2),(3,5,8),4) with Sgd(1) increase Σ out²") { registry in
            let layer = try make(registry, [3, 2], kernelShape, 4)
            try layer.initialize(weightsInitializer: try require(registry.he, "He")(), biasInitializer: HarnessConstant(0.1))
            layer.optimizer = try require(registry.sgd, "Sgd")(1)
            try Fixtures.expectAscent(layer, input: RandomSource.shared.uniform(shape: [2, 3, 10, 14], low: -1, high: 1),
                                      what: "Conv update", hint: "update weights and bias with (copies of) the optimizer in backward")
        },
        Check("initialization", "initialize passes shape (4,3,5,8), fanIn 120, fanOut 160") { registry in
            let layer = try make(registry, [1, 1], kernelShape, 4)
            let recorder = RecordingInitializer { Tensor(zeros: $0) }
            try layer.initialize(weightsInitializer: recorder, biasInitializer: HarnessConstant(0.1))
            let call = recorder.calls.first
            try expect(call?.fanIn == 120 && call?.fanOut == 160 && call?.shape == [4, 3, 5, 8],
                       expected: "weights initializer called with shape [4, 3, 5, 8], fanIn 120, fanOut 160",
                       got: call.map { "shape \($0.shape), fanIn \($0.fanIn), fanOut \($0.fanOut)" } ?? "no call",
                       hint: "fanIn = c·m·n, fanOut = K·m·n, shape (K, c, m, n)")
        },
    ])
}
