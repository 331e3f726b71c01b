import ExerciseKit

/// `TestOptimizers2` (spec §1.3): scalar weights and gradients, 7 decimals.
enum OptimizerChecks {
    static let tolerance = 1.5e-7

    static let group = CheckGroup(name: "TestOptimizers2", smallInputs: true, checks: [
        Check("sgd", "Sgd(1): update(1, 1) = 0, then update(0, 1) = -1") { registry in
            let sgd = try require(registry.sgd, "Sgd")(1)
            let first = try sgd.calculateUpdate(weightTensor: Tensor(1), gradientTensor: Tensor(1))
            try expectClose(first.scalar, 0, tolerance: tolerance, what: "Sgd(1).calculateUpdate(1, 1)",
                            hint: "the update is w − learningRate·g")
            let second = try sgd.calculateUpdate(weightTensor: first, gradientTensor: Tensor(1))
            try expectClose(second.scalar, -1, tolerance: tolerance, what: "second update(0, 1)",
                            hint: "the update is w − learningRate·g")
        },
        Check("sgdWithMomentum", "SgdWithMomentum(1, 0.9): 0, then -1.9") { registry in
            let momentum = try require(registry.sgdWithMomentum, "SgdWithMomentum")(1, 0.9)
            let first = try momentum.calculateUpdate(weightTensor: Tensor(1), gradientTensor: Tensor(1))
            try expectClose(first.scalar, 0, tolerance: tolerance, what: "first update(1, 1)",
                            hint: "the velocity starts at 0: v = μ·0 − η·g, w + v")
            let second = try momentum.calculateUpdate(weightTensor: first, gradientTensor: Tensor(1))
            try expectClose(second.scalar, -1.9, tolerance: tolerance, what: "second update(0, 1)",
                            hint: "v ← μ·v − η·g (subtract the gradient term, keep v between calls), then w + v")
        },
        Check("adam", "Adam(1, 0.01, 0.02): 0, then -0.9814473195614205 with gradient 0.5") { registry in
            let adam = try require(registry.adam, "Adam")(1, 0.01, 0.02)
            let first = try adam.calculateUpdate(weightTensor: Tensor(1), gradientTensor: Tensor(1))
            try expectClose(first.scalar, 0, tolerance: tolerance, what: "first update(1, 1)",
                            hint: "use bias-corrected moments v̂ = v/(1−μᵏ), r̂ = r/(1−ρᵏ), k starting at 1")
            let second = try adam.calculateUpdate(weightTensor: first, gradientTensor: Tensor(0.5))
            try expectClose(second.scalar, -0.9814473195614205, tolerance: tolerance, what: "second update(0, 0.5)",
                            hint: "w − η·v̂/(√r̂ + ε) with ε = 1e-8 after the square root; check the bias correction and that k counts calls")
        },
    ])
}
