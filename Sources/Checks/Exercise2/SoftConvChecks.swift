import ExerciseKit

/// `SoftConvTests` (spec §3), not scored: pinpoints whether forward, the input error, the bias
/// gradient or the weight gradient of Conv is wrong, each against fixed expected arrays
/// (sum of |differences| < 1e-7), once and three times in a row.
enum SoftConvChecks {
    static let tolerance = 1e-7

    static func layer(_ registry: SubmissionRegistry, bias: [Double]) throws -> any ConvLayer {
        let conv = try require(registry.conv, "Conv")([1, 1], [1, 3, 3], 2)
        conv.weights = Tensor(shape: [2, 1, 3, 3], scalars: SoftConvFixture.weights)
        conv.bias = Tensor(bias)
        return conv
    }

    static let image = Tensor(shape: [1, 1, 14, 14], scalars: SoftConvFixture.image)

    static func expectSum(_ actual: Tensor, _ expected: [Double], what: String, hint: String) throws {
        try expect(actual.count == expected.count, expected: "\(what) with \(expected.count) values",
                   got: "shape \(actual.shape)", hint: hint)
        let difference = zip(actual.scalars, expected).reduce(0) { $0 + abs($1.0 - $1.1) }
        try expect(difference < tolerance, expected: "\(what): Σ |difference| < \(tolerance)", got: "\(difference)", hint: hint)
    }

    static let forwardHint = "forward is a correlation (no kernel flip) with zero same padding, plus the bias per kernel"
    static let backwardHint = "the input error correlates the error with the kernel rotated by 180°, summed over kernels"

    static func forwardCheck(_ name: String, bias: [Double], expected: [Double], repeats: Int) -> Check {
        Check(name, "forward with bias \(bias)\(repeats > 1 ? ", \(repeats) times in a row" : "")") { registry in
            let conv = try layer(registry, bias: bias)
            for _ in 0..<repeats {
                try expectSum(try conv.forward(image), expected, what: "forward output", hint: forwardHint)
            }
        }
    }

    static func backwardCheck(_ name: String, repeats: Int, _ inspect: @escaping @Sendable (any ConvLayer, Tensor) throws -> Void) -> Check {
        Check(name, "\(name) with bias (0.5, 1)\(repeats > 1 ? ", \(repeats) times" : "")") { registry in
            let conv = try layer(registry, bias: [0.5, 1])
            for _ in 0..<repeats {
                _ = try conv.forward(image)
                let previous = try conv.backward(Tensor(shape: [1, 2, 14, 14], scalars: SoftConvFixture.errorNext))
                try inspect(conv, previous)
            }
        }
    }

    static let group = CheckGroup(name: "SoftConvTests", smallInputs: true, checks: [
        forwardCheck("forward", bias: [0, 0], expected: SoftConvFixture.forwardNoBias, repeats: 1),
        forwardCheck("forwardWithBias", bias: [0.5, -0.5], expected: SoftConvFixture.forwardBias, repeats: 1),
        forwardCheck("forwardRepeated", bias: [0.5, -0.5], expected: SoftConvFixture.forwardBias, repeats: 3),
        backwardCheck("inputError", repeats: 1) { _, previous in
            try expectSum(previous, SoftConvFixture.errorPrevious, what: "E_(n−1)", hint: backwardHint)
        },
        backwardCheck("gradientBias", repeats: 1) { conv, _ in
            try expectSum(conv.gradientBias, SoftConvFixture.gradientBias, what: "gradientBias",
                          hint: "sum the error over batch, y and x per kernel")
        },
        backwardCheck("gradientWeights", repeats: 1) { conv, _ in
            try expectSum(conv.gradientWeights, SoftConvFixture.gradientWeights, what: "gradientWeights",
                          hint: "correlate the padded input with the error, per kernel and channel")
        },
        backwardCheck("backwardRepeated", repeats: 3) { conv, previous in
            try expectSum(previous, SoftConvFixture.errorPrevious, what: "E_(n−1) on a repeated pass", hint: "do not accumulate state across passes")
            try expectSum(conv.gradientWeights, SoftConvFixture.gradientWeights, what: "gradientWeights on a repeated pass",
                          hint: "reset the gradients in every backward pass instead of adding to the last ones")
        },
    ])
}
