import ExerciseKit

/// `TestInitializers` (spec §1.4): a 400×400 layer, shapes and KS tests with p > 0.01.
enum InitializerChecks {
    static let shape = [400, 400]
    static let significance = 0.01

    static func draw(_ initializer: any Initializer) throws -> Tensor {
        try initializer.initialize(weightsShape: shape, fanIn: shape[1], fanOut: shape[0])
    }

    static func shapeCheck(_ name: String, _ contract: String, _ make: @escaping @Sendable (SubmissionRegistry) throws -> any Initializer) -> Check {
        Check(name, "\(contract) returns the requested shape (400, 400)") { registry in
            let weights = try draw(try make(registry))
            try expectShape(weights, shape, what: "\(contract).initialize(weightsShape: [400, 400], …)",
                            hint: "build the tensor from weightsShape, not from fanIn/fanOut")
        }
    }

    static func distributionCheck(_ name: String, _ contract: String, _ distribution: String,
                                  cdf: @escaping @Sendable (Double) -> Double, hint: String,
                                  _ make: @escaping @Sendable (SubmissionRegistry) throws -> any Initializer) -> Check {
        Check(name, "\(contract) values follow \(distribution) (Kolmogorov–Smirnov p > 0.01)") { registry in
            let weights = try draw(try make(registry))
            try expectShape(weights, shape, what: "\(contract) weights", hint: "build the tensor from weightsShape")
            let (d, p) = KolmogorovSmirnov.test(weights.scalars, cdf: cdf)
            try expect(p > significance,
                       expected: "160,000 values from \(distribution) (KS p-value > \(significance))",
                       got: "KS statistic \(d), p-value \(p); mean \(weights.mean())",
                       hint: hint)
        }
    }

    static let group = CheckGroup(name: "TestInitializers", checks: [
        shapeCheck("uniformShape", "UniformRandom") { try require($0.uniformRandom, "UniformRandom")() },
        shapeCheck("xavierShape", "Xavier") { try require($0.xavier, "Xavier")() },
        shapeCheck("heShape", "He") { try require($0.he, "He")() },
        distributionCheck("uniformDistribution", "UniformRandom", "U[0, 1)",
                          cdf: KolmogorovSmirnov.uniformCDF(low: 0, high: 1),
                          hint: "draw from RandomSource.shared.uniform(shape:) on [0, 1)") {
            try require($0.uniformRandom, "UniformRandom")()
        },
        distributionCheck("xavierDistribution", "Xavier", "N(0, √(2/(fanIn+fanOut))) = N(0, 0.05)",
                          cdf: KolmogorovSmirnov.normalCDF(mean: 0, standardDeviation: 0.05),
                          hint: "σ = √2/√(fanIn + fanOut), a normal (not uniform) distribution") {
            try require($0.xavier, "Xavier")()
        },
        distributionCheck("heDistribution", "He", "N(0, √(2/fanIn)) ≈ N(0, 0.0707)",
                          cdf: KolmogorovSmirnov.normalCDF(mean: 0, standardDeviation: (2.0 / 400).squareRoot()),
                          hint: "σ = √(2/fanIn): He uses the fan-in only, not the fan-out") {
            try require($0.he, "He")()
        },
        // Beyond the original: its 400×400 layer has fanIn == fanOut, so it cannot tell them apart.
        Check("heUsesFanIn", "He on (400, 100) with fanIn 100, fanOut 400 follows N(0, √(2/100))") { registry in
            let weights = try require(registry.he, "He")().initialize(weightsShape: [400, 100], fanIn: 100, fanOut: 400)
            let (d, p) = KolmogorovSmirnov.test(weights.scalars, cdf: KolmogorovSmirnov.normalCDF(mean: 0, standardDeviation: (2.0 / 100).squareRoot()))
            try expect(p > significance, expected: "values from N(0, 0.1414) (KS p-value > \(significance))",
                       got: "KS statistic \(d), p-value \(p), standard deviation \((weights * weights).mean().squareRoot())",
                       hint: "He's σ = √(2/fanIn): the fan-in, not the fan-out")
        },
        // Beyond the original, as heUsesFanIn: σ = √(1/fanIn) or √(2/fanIn) pass the square layer.
        Check("xavierUsesBothFans", "Xavier on (400, 100) with fanIn 100, fanOut 400 follows N(0, √(2/500))") { registry in
            let weights = try require(registry.xavier, "Xavier")().initialize(weightsShape: [400, 100], fanIn: 100, fanOut: 400)
            let sigma = (2.0 / 500).squareRoot()
            let (d, p) = KolmogorovSmirnov.test(weights.scalars, cdf: KolmogorovSmirnov.normalCDF(mean: 0, standardDeviation: sigma))
            try expect(p > significance, expected: "values from N(0, 0.0632) (KS p-value > \(significance))",
                       got: "KS statistic \(d), p-value \(p), standard deviation \((weights * weights).mean().squareRoot())",
                       hint: "Xavier's σ = √(2/(fanIn + fanOut)): both fans, not fanIn alone")
        },
    ])
}
