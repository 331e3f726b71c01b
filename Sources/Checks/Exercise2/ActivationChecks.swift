import ExerciseKit

/// `TestReLU`, `TestSoftMax`, `TestCrossEntropyLoss` (spec §1.2): not scored in exercise 2, but
/// the network needs them, so they diagnose a failing TestNeuralNetwork2.
enum ActivationChecks {
    static func halfNegative() -> Tensor {
        var x = Tensor(repeating: 1, shape: [10, 5])
        for i in 0..<25 { x.scalars[i] = -1 }
        return x
    }

    static let relu = CheckGroup(name: "TestReLU", smallInputs: true, checks: [
        Check("trainable", "ReLU is not trainable") { registry in
            try expect(!(try require(registry.reLU, "ReLU")().trainable), expected: "trainable == false", got: "true", hint: "ReLU has no weights")
        },
        Check("forward", "rows of −1 give 0, rows of +1 give 1") { registry in
            let x = halfNegative()
            try expectAllClose(try require(registry.reLU, "ReLU")().forward(x), x.map { max(0, $0) }, tolerance: 0,
                               what: "ReLU.forward", hint: "max(0, x) element-wise")
        },
        Check("backward", "backward(2x) gives 0 where x < 0 and 2 where x > 0") { registry in
            let layer = try require(registry.reLU, "ReLU")()
            let x = halfNegative()
            _ = try layer.forward(x)
            try expectAllClose(try layer.backward(x * 2), x.map { $0 > 0 ? 2 : 0 }, tolerance: 0,
                               what: "ReLU.backward", hint: "pass the error where the forward input was positive, 0 elsewhere")
        },
        Check("gradient", "input gradient through [ReLU, L2] <= 1e-5") { registry in
            let x = RandomSource.shared.uniform(shape: [10, 5], low: -1, high: 1)
            let label = Fixtures.oneHot(batch: 10, categories: 5)
            try GradientCheck.input([try require(registry.reLU, "ReLU")()], L2Loss(), x, label)
                .expect(tolerance: 1e-5, what: "ReLU input gradient", hint: "the gradient is 1 where x > 0, else 0")
        },
    ])

    static let predictRow = [0.21732724, 0.23779387, 0.26018794, 0.28469095]

    static let softMax = CheckGroup(name: "TestSoftMax", smallInputs: true, checks: [
        Check("trainable", "SoftMax is not trainable") { registry in
            try expect(!(try require(registry.softMax, "SoftMax")().trainable), expected: "trainable == false", got: "true", hint: "")
        },
        Check("forwardShift", "inputs of 10000 give no NaN") { registry in
            let output = try require(registry.softMax, "SoftMax")().forward(Tensor(repeating: 10_000, shape: [9, 4]))
            try expect(!output.hasNonFinite, expected: "finite probabilities", got: "\(output)",
                       hint: "subtract each row's maximum before exp")
        },
        Check("forwardZeroLoss", "label·100 through SoftMax gives L2 loss < 1e-10") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let loss = try L2Loss().forward(try require(registry.softMax, "SoftMax")().forward(label * 100), label)
            try expect(loss < 1e-10, expected: "L2 loss < 1e-10", got: "\(loss)", hint: "softmax of a confident input is ≈ one-hot")
        },
        Check("backwardZeroLoss", "label·100 through SoftMax and CrossEntropy gives an error summing to 0") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let layer = try require(registry.softMax, "SoftMax")()
            let loss = try require(registry.crossEntropyLoss, "CrossEntropyLoss")()
            _ = try loss.forward(predictionTensor: try layer.forward(label * 100), labelTensor: label)
            let error = try layer.backward(try loss.backward(labelTensor: label))
            try expectClose(error.sum(), 0, tolerance: 5e-8, what: "Σ error", hint: "SoftMax backward: ŷ ⊙ (E − Σ_j E_j ŷ_j) per row")
        },
        Check("regressionHighLossL2", "(label−1)·(−100) through SoftMax gives L2 loss 12") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let loss = try L2Loss().forward(try require(registry.softMax, "SoftMax")().forward((label - 1) * -100), label)
            try expectClose(loss, 12, tolerance: 5e-8, what: "L2 loss", hint: "each row: three classes at 1/3, the true one at 0")
        },
        Check("regressionBackwardHighLossWithCrossEntropy", "(label−1)·(−10): errors 1/3 at wrong classes, −1 at the true one") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let layer = try require(registry.softMax, "SoftMax")()
            let loss = try require(registry.crossEntropyLoss, "CrossEntropyLoss")()
            _ = try loss.forward(predictionTensor: try layer.forward((label - 1) * -10), labelTensor: label)
            let error = try layer.backward(try loss.backward(labelTensor: label))
            for (value, y) in zip(error.scalars, label.scalars) {
                try expectClose(value, y == 1 ? -1 : 1.0 / 3, tolerance: 5e-4, what: y == 1 ? "true-class error" : "wrong-class error",
                                hint: "SoftMax backward: ŷ ⊙ (E − Σ_j E_j ŷ_j); CrossEntropy backward: −y/(ŷ + ε)")
            }
        },
        Check("regressionForward", "random input: L2 loss > 0") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let loss = try L2Loss().forward(try require(registry.softMax, "SoftMax")().forward(Fixtures.random([9, 4])), label)
            try expect(loss > 0, expected: "L2 loss > 0", got: "\(loss)", hint: "")
        },
        Check("regressionBackward", "backward(label) after L2: wrong classes <= 0, true class >= 0") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let layer = try require(registry.softMax, "SoftMax")()
            _ = try L2Loss().forward(try layer.forward(Fixtures.random([9, 4])), label)
            let error = try layer.backward(label)
            for (value, y) in zip(error.scalars, label.scalars) where (y == 1 && value < 0) || (y == 0 && value > 0) {
                throw CheckFailure(expected: "wrong-class errors <= 0 and true-class errors >= 0", got: "\(value) at a \(y == 1 ? "true" : "wrong") class",
                                   hint: "SoftMax backward: ŷ ⊙ (E − Σ_j E_j ŷ_j)")
            }
        },
        Check("gradient", "input gradient through [SoftMax, L2] <= 1e-5") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            try GradientCheck.input([try require(registry.softMax, "SoftMax")()], L2Loss(), Fixtures.random([9, 4]), label)
                .expect(tolerance: 1e-5, what: "SoftMax input gradient", hint: "ŷ ⊙ (E − Σ_j E_j ŷ_j) per row")
        },
        Check("predict", "arange(36)/100 as (4,9)ᵀ gives rows [0.21732724, 0.23779387, 0.26018794, 0.28469095]") { registry in
            let input = (Tensor.arange(shape: [4, 9]) / 100).transposed()
            let output = try require(registry.softMax, "SoftMax")().forward(input)
            let expected = Tensor(shape: [9, 4], scalars: Array(repeatElement(predictRow, count: 9).joined()))
            try expectAllClose(output, expected, tolerance: 1.5e-7, what: "SoftMax.forward", hint: "softmax over each row (the class axis)")
        },
    ])

    static let crossEntropy = CheckGroup(name: "TestCrossEntropyLoss", smallInputs: true, checks: [
        Check("gradient", "gradient check of CrossEntropyLoss alone <= 1e-4") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let loss = SubmissionLoss(try require(registry.crossEntropyLoss, "CrossEntropyLoss")())
            try GradientCheck.input([], loss, Fixtures.random([9, 4]), label)
                .expect(tolerance: 1e-4, what: "CrossEntropy gradient", hint: "backward = −y/(ŷ + ε)")
        },
        Check("zeroLoss", "forward(label, label) = 0") { registry in
            let label = Fixtures.oneHot(batch: 9, categories: 4)
            let loss = try require(registry.crossEntropyLoss, "CrossEntropyLoss")().forward(predictionTensor: label, labelTensor: label)
            try expectClose(loss, 0, tolerance: 5e-8, what: "loss", hint: "Σ −ln(ŷ + ε) over the true classes only")
        },
        Check("highLoss", "nine confident wrong predictions give 324.3928805") { registry in
            var prediction = Tensor(zeros: [9, 4]), label = Tensor(zeros: [9, 4])
            for row in 0..<9 { prediction[row, 1] = 1; label[row, 2] = 1 }
            let loss = try require(registry.crossEntropyLoss, "CrossEntropyLoss")().forward(predictionTensor: prediction, labelTensor: label)
            // The hint names the likely mistake from the value (issue 12: a batch mean was told to look at ε).
            let hint: String
            if abs(loss - 324.3928805 / 9) < 1e-3 {
                hint = "your loss is the batch mean (324.39 / 9): the exercise sums −ln(ŷ + ε) over the batch"
            } else if abs(loss - 9 * 34.538776394910684) < 1e-3 {  // −ln(1e-15)
                hint = "ε is machine epsilon (Double.ulpOfOne = 2.22e-16), not 1e-15: 9·(−ln ε) = 324.39"
            } else {
                hint = "Σ −ln(ŷ + ε) over the true classes of all nine rows, ε = Double.ulpOfOne: 9·(−ln ε) = 324.39"
            }
            try expectClose(loss, 324.3928805, tolerance: 5e-5, what: "loss", hint: hint)
        },
    ])
}
