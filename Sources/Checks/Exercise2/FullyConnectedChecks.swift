import ExerciseKit

/// `TestFullyConnected2` (spec §1.1): batch 9, input 4, output 3.
enum FullyConnectedChecks {
    static let (batch, inputSize, outputSize, categories) = (9, 4, 3, 4)

    static func make(_ registry: SubmissionRegistry, _ input: Int = inputSize, _ output: Int = outputSize) throws -> any FullyConnectedLayer {
        try require(registry.fullyConnected, "FullyConnected")(input, output)
    }

    static let group = CheckGroup(name: "TestFullyConnected2", checks: [
        Check("trainable", "FullyConnected is trainable") { registry in
            try expect(try make(registry).trainable, expected: "trainable == true", got: "false", hint: "FullyConnected has weights")
        },
        Check("weightsSize", "weights hold the bias row: shape (5, 3) or (3, 5)") { registry in
            let shape = try make(registry).weights.shape
            try expect(shape == [5, 3] || shape == [3, 5], expected: "weights of shape (5, 3)", got: "\(shape)",
                       hint: "keep the bias inside the weights as an extra row: (inputSize + 1, outputSize)")
        },
        Check("forwardSize", "forward gives (9, 3)") { registry in
            let output = try make(registry).forward(Fixtures.random([batch, inputSize]))
            try expectShape(output, [batch, outputSize], what: "FullyConnected(4, 3).forward((9, 4))",
                            hint: "append a column of ones to the input and multiply by the (5, 3) weights")
        },
        Check("backwardSize", "backward gives (9, 4): the bias column is dropped") { registry in
            let layer = try make(registry)
            let error = try layer.backward(try layer.forward(Fixtures.random([batch, inputSize])))
            try expectShape(error, [batch, inputSize], what: "FullyConnected.backward",
                            hint: "drop the bias column of E·Wᵀ before returning it")
        },
        Check("update", "ten gradient-ascent steps with Sgd(1) each increase Σ out²") { registry in
            let layer = try make(registry)
            layer.optimizer = try require(registry.sgd, "Sgd")(1)
            try Fixtures.expectAscent(layer, input: Fixtures.random([batch, inputSize]), what: "FullyConnected update",
                                      hint: "compute gradientWeights = Xᵀ·E in backward and apply the optimizer to the weights")
        },
        Check("updateBias", "with a zero input, the bias alone still ascends") { registry in
            let layer = try make(registry)
            layer.optimizer = try require(registry.sgd, "Sgd")(1)
            try Fixtures.expectAscent(layer, input: Tensor(zeros: [batch, inputSize]), what: "FullyConnected bias update",
                                      hint: "the bias row's gradient is the error summed over the batch (the ones column)")
        },
        Check("gradient", "gradient check of dL/dx through [FC(4, 4), L2] <= 1e-5") { registry in
            let input = Fixtures.random([batch, inputSize])
            let label = Fixtures.oneHot(batch: batch, categories: categories)
            let report = try GradientCheck.input([try make(registry, 4, 4)], L2Loss(), input, label)
            try report.expect(tolerance: 1e-5, what: "FullyConnected input gradient",
                              hint: "dL/dx = E·Wᵀ without the bias column")
        },
        Check("gradientWeights", "gradient check of dL/dW through [FC(4, 4), L2] <= 1e-5") { registry in
            let input = Fixtures.random([batch, inputSize])
            let label = Fixtures.oneHot(batch: batch, categories: categories)
            let report = try GradientCheck.weights([try make(registry, 4, 4)], L2Loss(), input, label, bias: false)
            try report.expect(tolerance: 1e-5, what: "FullyConnected weight gradient",
                              hint: "gradientWeights = [X, 1]ᵀ·E, shape (in + 1, out)")
        },
        Check("bias", "a zero input through FC(100000, 1) gives a positive output (bias from U[0, 1))") { registry in
            let layer = try make(registry, 100_000, 1)
            let sum = try layer.forward(Tensor(zeros: [1, 100_000])).sum()
            try expect(sum > 0, expected: "Σ output > 0", got: "\(sum)",
                       hint: "the constructor initialises all weights, bias row included, uniformly in [0, 1)")
        },
        Check("initialization", "initialize passes fanIn 4, fanOut 10 and keeps the bias row separate") { registry in
            let layer = try make(registry, 4, 10)
            let recorder = RecordingInitializer { shape in
                var weights = Tensor(zeros: shape)
                for row in 0..<min(2, shape.first ?? 0) {
                    for column in 0..<Tensor.elementCount(Array(shape.dropFirst())) {
                        weights.scalars[row * Tensor.elementCount(Array(shape.dropFirst())) + column] = Double(row + 1)
                    }
                }
                return weights
            }
            try layer.initialize(weightsInitializer: recorder, biasInitializer: HarnessConstant(0.5))
            let fans = recorder.calls.first.map { "fanIn \($0.fanIn), fanOut \($0.fanOut)" } ?? "no call"
            try expect(recorder.calls.first?.fanIn == 4 && recorder.calls.first?.fanOut == 10,
                       expected: "the weights initializer called with fanIn 4, fanOut 10", got: fans,
                       hint: "fanIn is the input size, fanOut the output size")
            let weights = layer.weights
            let sum = weights.sum()
            let limit = weights.shape.first ?? 0 > weights.shape.last ?? 0 ? 17.0 : 35.0
            try expect(sum - limit <= 1e-5, expected: "Σ weights <= \(limit) (rows 1 and 2 from the initializer, bias 0.5)",
                       got: "\(sum)", hint: "initialise the weight rows with the weights initializer and the bias row with the bias initializer")
        },
    ])
}
