import ExerciseKit

/// Problem 4.2: the update rules on the notebooks' `linspace` inputs, the next weights and the
/// state they return against the oracle within 1e-8 (relative error), then a second step that
/// must continue from the returned state.
enum ModularUpdateRuleChecks {
    static let (n, d) = (4, 5)
    static var w: Tensor { CheckMath.linspace(-0.4, 0.6, [n, d]) }
    static var dw: Tensor { CheckMath.linspace(-0.6, 0.4, [n, d]) }

    /// The oracle's (next w, state) of a rule whose state is one tensor.
    static func pair(_ question: OracleQuestion) throws -> (Tensor, Tensor) {
        let answer = try Oracle.tensors(question)
        return (answer[0], answer[1])
    }

    static func adamStep(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (Tensor, m: Tensor, v: Tensor, t: Int) {
        let answer = try Oracle.tensors(.adam(w, dw, config))
        return (answer[0], answer[1], answer[2], Int(answer[3].scalars[0]))
    }

    static func expectState(_ got: Tensor?, _ want: Tensor, _ name: String, hint: String) throws {
        guard let got else {
            throw CheckFailure(expected: "config.\(name) set by the rule", got: "nil", hint: "return the updated config with its \(name)")
        }
        try ModularLayerChecks.expectRelative(got, want, below: 1e-8, what: "config.\(name)", hint: hint)
    }

    /// `count` steps of a rule from `config`, each from the state the submission returned, against
    /// the oracle stepping from its own state: a rule must start from nil state and continue.
    static func expectSteps(_ count: Int, from config: UpdateConfig, hint: String,
                            submission: (Tensor, UpdateConfig) throws -> (Tensor, UpdateConfig),
                            oracle: (Tensor, UpdateConfig) throws -> (Tensor, UpdateConfig)) throws {
        var (weights, state, expected, oracleState) = (w, config, w, config)
        for step in 1...count {
            (weights, state) = try submission(weights, state)
            (expected, oracleState) = try oracle(expected, oracleState)
            try ModularLayerChecks.expectRelative(weights, expected, below: 1e-8, what: "w after step \(step)", hint: hint)
        }
    }

    /// The same for a rule whose state is one tensor (`\.velocity`, `\.cache`).
    static func expectSteps(_ count: Int, from config: UpdateConfig, state: WritableKeyPath<UpdateConfig, Tensor?>, hint: String,
                            submission: (Tensor, UpdateConfig) throws -> (Tensor, UpdateConfig),
                            oracle: @escaping (Tensor, Tensor, UpdateConfig) throws -> (Tensor, Tensor)) throws {
        try expectSteps(count, from: config, hint: hint, submission: submission) { weights, config in
            let (next, newState) = try oracle(weights, dw, config)
            var config = config
            config[keyPath: state] = newState
            return (next, config)
        }
    }

    static let sgdMomentum = CheckGroup(name: "sgdMomentum", smallInputs: true, checks: [
        Check("sgd", "the given rule: w − α·dw (α 1e-2)") { registry in
            let (next, _) = try ModularClient.of(registry).sgd(w, dw, UpdateConfig(learningRate: 1e-2))
            try ModularLayerChecks.expectRelative(next, w - 1e-2 * dw, below: 1e-8, what: "sgd's next w", hint: "the skeleton's sgd works: restore it")
        },
        Check("linspace", "the notebook's case: v = linspace(0.6, 0.9), α 1e-3, μ 0.9: next w and velocity within 1e-8") { registry in
            var config = UpdateConfig(learningRate: 1e-3)
            config.velocity = CheckMath.linspace(0.6, 0.9, [n, d])
            let (next, updated) = try ModularClient.of(registry).sgdMomentum(w, dw, config)
            let (want, velocity) = try pair(.sgdMomentum(w, dw, config))
            try ModularLayerChecks.expectRelative(next, want, below: 1e-8, what: "sgdMomentum's next w", hint: "v ← μ·v − α·dw, then w + v")
            try expectState(updated.velocity, velocity, "velocity", hint: "store the new v in config.velocity")
        },
        Check("twoSteps", "from no velocity (zeros) and then from the returned config") { registry in
            let modular = try ModularClient.of(registry)
            var config = UpdateConfig(learningRate: 1e-2)
            config.momentum = 0.8
            try expectSteps(2, from: config, state: \.velocity, hint: "a nil velocity starts at zeros; use config.momentum, not a constant 0.9",
                            submission: { try modular.sgdMomentum($0, dw, $1) }, oracle: { try pair(.sgdMomentum($0, $1, $2)) })
        },
    ])

    static let rmsprop = CheckGroup(name: "rmsprop", smallInputs: true, checks: [
        Check("linspace", "the notebook's case: cache = linspace(0.6, 0.9), α 1e-2: next w and cache within 1e-8") { registry in
            var config = UpdateConfig(learningRate: 1e-2)
            config.cache = CheckMath.linspace(0.6, 0.9, [n, d])
            let (next, updated) = try ModularClient.of(registry).rmsprop(w, dw, config)
            let (want, cache) = try pair(.rmsprop(w, dw, config))
            try ModularLayerChecks.expectRelative(next, want, below: 1e-8, what: "rmsprop's next w",
                                                  hint: "c ← γ·c + (1 − γ)·dw², then w − α·dw/(√c + ε) with the new c")
            try expectState(updated.cache, cache, "cache", hint: "store the new c in config.cache")
        },
        Check("twoSteps", "from no cache (zeros), γ 0.9, then from the returned config") { registry in
            let modular = try ModularClient.of(registry)
            var config = UpdateConfig(learningRate: 1e-2)
            config.decayRate = 0.9
            try expectSteps(2, from: config, state: \.cache, hint: "a nil cache starts at zeros; use config.decayRate and config.epsilon",
                            submission: { try modular.rmsprop($0, dw, $1) }, oracle: { try pair(.rmsprop($0, $1, $2)) })
        },
    ])

    static let adam = CheckGroup(name: "adam", smallInputs: true, checks: [
        Check("linspace", "the notebook's case: m = linspace(0.6, 0.9), v = linspace(0.7, 0.5), t = 5, α 1e-2: w, m, v, t = 6") { registry in
            var config = UpdateConfig(learningRate: 1e-2)
            (config.m, config.v, config.t) = (CheckMath.linspace(0.6, 0.9, [n, d]), CheckMath.linspace(0.7, 0.5, [n, d]), 5)
            let (next, updated) = try ModularClient.of(registry).adam(w, dw, config)
            let want = try adamStep(w, dw, config)
            try ModularLayerChecks.expectRelative(next, want.0, below: 1e-8, what: "adam's next w",
                                                  hint: "t ← t + 1 first; bias-correct m and v with that t; ε after the square root")
            try expectState(updated.m, want.m, "m", hint: "m ← β1·m + (1 − β1)·dw (uncorrected)")
            try expectState(updated.v, want.v, "v", hint: "v ← β2·v + (1 − β2)·dw² (uncorrected)")
            try expect(updated.t == 6, expected: "config.t = 6 after a step from t = 5", got: "\(updated.t)", hint: "increment t once per call")
        },
        Check("fromScratch", "three steps from m, v = nil and t = 0") { registry in
            let modular = try ModularClient.of(registry)
            try expectSteps(3, from: UpdateConfig(learningRate: 1e-1),
                            hint: "nil moments start at zeros, t at 0; the first step's bias correction divides by 1 − β",
                            submission: { try modular.adam($0, dw, $1) },
                            oracle: { weights, state in
                                var state = state
                                let want = try adamStep(weights, dw, state)
                                (state.m, state.v, state.t) = (want.m, want.v, want.t)
                                return (want.0, state)
                            })
        },
    ])
}
