import ExerciseKit
import Foundation

/// CSC321 assignment 2's architectures: the YAML configs (read by the judge with Yams), their
/// per-layer counts against the harness's, and trainings of a config with the submission's layer
/// functions, driven and verified by the judge (`CSC321Training`).
enum CSC321NetworkChecks {
    static let configs = ["mlp", "cnn", "cnn2"]

    static let counts = CheckGroup(name: "csc321Counts", smallInputs: true, checks: configs.map { name in
        Check(name, "rubric/data/csc321/\(name).yaml: free parameters and connections of every layer") { registry in
            let config = try CSC321Config.load(name)
            // The config's shapes, asked here as well as by its training: a kit records the answers
            // of this group (not of the trainings, which it runs on the submission's word), and its
            // trainings need them.
            _ = try CSC321Training.shapes(config)
            let got = try CSC321Client.of(registry).layerCounts(config.layers, input: config.input)
            let answer = try Oracle.tensor(.layerCounts(code: NetworkLayer.code(config.networkLayers), input: config.input))
            let want = (0..<config.layers.count).map { LayerCount(parameters: Int(answer.scalars[2 * $0]), connections: Int(answer.scalars[2 * $0 + 1])) }
            guard got == want else {
                let row = got.indices.first { $0 >= want.count || got[$0] != want[$0] } ?? min(got.count, want.count)
                throw CheckFailure(expected: "(parameters, connections) per layer: \(want.map { "(\($0.parameters), \($0.connections))" }.joined(separator: ", "))",
                                   got: got.map { "(\($0.parameters), \($0.connections))" }.joined(separator: ", ") + " (layer \(row + 1) of \(name).yaml differs)",
                                   hint: "a convolution: F·C·k·k + F parameters, (output units)·C·k·k connections (padding counts); fully connected D·H + H and D·H; ReLU and pooling none")
            }
        }
    })

    /// Trains `name` with `method`, keeps its loss curve, and returns what the judge measured.
    static func train(_ registry: SubmissionRegistry, _ name: String, method: ConvMethod, seed: UInt32, epochs: Int? = nil) throws -> CSC321Training.Outcome {
        var config = try CSC321Config.load(name)
        if let epochs { config.epochs = epochs }
        let outcome = try CSC321Training.train(registry, config, method: method, seed: seed)
        CheckArtifacts.add("loss", shape: [outcome.losses.count], values: outcome.losses)
        return outcome
    }

    static func summary(_ name: String, _ outcome: CSC321Training.Outcome) -> String {
        String(format: "%@: test accuracy %.4f, final loss %.4f, %d iterations, %.1f s", name, outcome.testAccuracy, outcome.losses.last ?? .nan,
               outcome.losses.count, outcome.seconds)
    }

    /// Trains config `name` with method 1 (on each of majorityOfThreeSeeds' seeds) and expects the
    /// bar: the reference's measured accuracy less a margin (docs/DECISIONS.md 90), or the rubric's `threshold`.
    static func reachesTheBar(_ registry: SubmissionRegistry, _ name: String, hint: String) throws {
        let threshold = CheckEnvironment.parameter("threshold", default: 0.88)
        try majorityOfThreeSeeds {
            let outcome = try train(registry, name, method: .dotProduct, seed: UInt32(RandomSource.shared.integer(below: 1 << 31)))
            try expect(outcome.testAccuracy >= threshold, expected: "test accuracy ≥ \(threshold) on the 599 test images", got: summary(name, outcome), hint: hint)
            CheckNotes.add(summary(name, outcome))
        }
    }

    static let trainMLP = CheckGroup(name: "csc321TrainMLP", checks: [
        Check("mlp", "mlp.yaml (256-64-10, momentum 0.9, 10 epochs) trained by the grader with your layers: test accuracy ≥ 88 %", timeoutScale: 8) { registry in
            try reachesTheBar(registry, "mlp", hint: "pass the fully connected, ReLU and softmax groups first; then compare the loss curve in grader-report/ with the reference's")
        },
    ])

    static let trainCNN = CheckGroup(name: "csc321TrainCNN", checks: [
        Check("method1", "cnn.yaml (conv 4×5×5 pad 2, pool 2, fc 10, 8 epochs) trained with method 1: test accuracy ≥ 88 %", timeoutScale: 8) { registry in
            try reachesTheBar(registry, "cnn", hint: "pass the convolution (method 1) and max-pooling groups first")
        },
        Check("sameRunBothMethods", "two epochs of cnn.yaml from one seed with method 1 and with method 2: every iteration's loss agrees within 1e-6", timeoutScale: 12) { registry in
            let seed = UInt32(RandomSource.shared.integer(below: 1 << 31))
            let one = try train(registry, "cnn", method: .dotProduct, seed: seed, epochs: 2)
            let two = try train(registry, "cnn", method: .convolve, seed: seed, epochs: 2)
            let worst = zip(one.losses, two.losses).enumerated().max { abs($0.element.0 - $0.element.1) < abs($1.element.0 - $1.element.1) }
            if let worst, abs(worst.element.0 - worst.element.1) > 1e-6 * max(1, abs(worst.element.0)) {
                throw CheckFailure(expected: "the two methods' trainings from one seed to agree at every iteration",
                                   got: "iteration \(worst.offset + 1): loss \(worst.element.0) with method 1, \(worst.element.1) with method 2",
                                   hint: "both methods compute one function: the csc321ConvMethod2 group's agreesWithMethod1 check says which output differs")
            }
            CheckNotes.add(String(format: "method 1: %@; method 2: %@", summary("cnn", one), summary("cnn", two)))
        },
    ])
}
