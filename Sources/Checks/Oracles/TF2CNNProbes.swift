import ExerciseKit

/// The TF2 CNN exercise's hidden differential probe: parameter counts and output shapes of
/// random Keras architectures (both paddings), compared with the reference's (`DifferentialOracle`).
enum TF2CNNProbes {
    static var cases: Int { Int(CheckEnvironment.parameter("cases", default: 8)) }

    static let group = CheckGroup(name: "HiddenTF2CNN", checks: [
        Check("summaries", "parameter counts and output shapes of random architectures, valid and same padding") { registry in
            let tf2 = try TF2CNNClient.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 31)
            for index in 0..<cases {
                let input = [20 + random.integer(below: 20), 20 + random.integer(below: 20), 1 + random.integer(below: 3)]
                let layers = TF2CNNChecks.randomArchitecture(random, input: input)
                let counts = try tf2.parameterCounts(layers, input: input)
                CheckArtifacts.add(DifferentialProbes.name(index) + ".params", shape: [counts.count], values: counts.map(Double.init))
                let shapes = try tf2.outputShapes(layers, input: input)
                CheckArtifacts.add(DifferentialProbes.name(index) + ".shapes", shape: [shapes.count, 3],
                                   values: shapes.flatMap { ($0 + [0, 0, 0]).prefix(3).map(Double.init) })
            }
        },
    ])
}
