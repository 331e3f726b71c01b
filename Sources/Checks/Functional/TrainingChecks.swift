import Archive
import ExerciseKit
import Foundation

/// hw5's trained models: the MLP and CNN trained by Algorithm 1 with the submission's functions
/// (rubric parameters: iterations, learningRate, decay, batchSize, threshold), and the weight
/// files the student submits (mlp.npz, cnn.npz) scored with the harness's own inference.
enum TrainingChecks {
    /// The trained parameters' names and shapes, in the handout's order.
    static func parameterShapes(_ model: TrainingRun.Model) -> [(String, [Int])] {
        switch model {
        case .mlp: return [("w1", [30, 196]), ("b1", [30, 1]), ("w2", [10, 30]), ("b2", [10, 1])]
        case .cnn: return [("w_conv", [3, 3, 1, 3]), ("b_conv", [3, 1]), ("w_fc", [10, 147]), ("b_fc", [10, 1])]
        }
    }

    /// Training images the trained weights' loss is computed on (the consistency check).
    static let lossSampleCount = 2_000

    /// Trains with the submission's functions (in the worker: a `WorkerJobs` job), then
    /// decides here: the weights' shapes, NaN in the loss, and the test accuracy of the harness's
    /// own inference on weights the submission trained. The test set never reaches student code.
    static func run(_ model: TrainingRun.Model, _ registry: SubmissionRegistry, defaultThreshold: Double) throws {
        _ = try require(registry.functional, "Functional")
        let threshold = CheckEnvironment.parameter("threshold", default: defaultThreshold)
        let iterations = Int(CheckEnvironment.parameter("iterations", default: 10_000))
        let test = try MNIST.load("test")
        try majorityOfThreeSeeds {
            let outcome = try TrainingProbe.remote(model: model.rawValue, registry: registry, parameters: CheckEnvironment.parameters)
            let shapes = parameterShapes(model)
            let names = outcome.parameters.map(\.name), gotShapes = outcome.parameters.map(\.tensor.shape)
            try expect(names == shapes.map(\.0) && gotShapes == shapes.map(\.1),
                       expected: "trained parameters \(shapes.map { "\($0.0) \($0.1)" }.joined(separator: ", "))",
                       got: zip(names, gotShapes).map { "\($0) \($1)" }.joined(separator: ", "),
                       hint: "run the function groups' checks: they pin the exact shapes")
            CheckArtifacts.add("loss", shape: [outcome.losses.count], values: outcome.losses)
            for (name, tensor) in outcome.parameters { CheckArtifacts.add(name, tensor) }
            if let bad = outcome.losses.firstIndex(where: { !$0.isFinite }) {
                throw CheckFailure(expected: "a finite training loss", got: "your loss became \(outcome.losses[bad]) at iteration \(bad + 1)",
                                   hint: "NaN or inf: softmax overflow (subtract the maximum before exp), or a gradient of the wrong sign that makes the weights diverge")
            }
            guard outcome.parameters.allSatisfy({ $0.tensor.scalars.allSatisfy(\.isFinite) }) else {
                throw CheckFailure(expected: "finite trained weights", got: "NaN or inf in the weights", hint: "the weights diverged: check the gradients' signs")
            }
            let p = outcome.parameters.map(\.tensor)
            var orientation = ""
            var accuracy: Double
            switch model {
            case .mlp:
                accuracy = test.accuracy { FunctionalOracle.predictMLP($0, w1: p[0], b1: p[1], w2: p[2], b2: p[3]) }
            case .cnn:
                func score(_ kernel: Tensor) -> Double {
                    test.accuracy { FunctionalOracle.predictCNN($0, wConv: kernel, bConv: p[1], wFC: p[2], bFC: p[3]) }
                }
                accuracy = score(p[0])
                orientation = ", orientation: correlation"
                if accuracy <= threshold && CheckEnvironment.parameter("acceptConvolution", default: 1) != 0 {
                    let flipped = score(FunctionalOracle.flipped(p[0]))
                    if flipped > accuracy { (accuracy, orientation) = (flipped, ", orientation: convolution (kernel flipped)") }
                }
            }
            let tail = outcome.losses.suffix(100)
            let finalLoss = tail.reduce(0, +) / Double(max(1, tail.count))
            // The curve came from the worker: it must be the loss of the weights that came back.
            let lossSample = try MNIST.load("train").prefix(lossSampleCount)
            let oracleLoss: Double = switch model {
            case .mlp: lossSample.meanLoss { FunctionalOracle.scoresMLP($0, w1: p[0], b1: p[1], w2: p[2], b2: p[3]) }
            case .cnn: [p[0], FunctionalOracle.flipped(p[0])].map { kernel in
                lossSample.meanLoss { FunctionalOracle.scoresCNN($0, wConv: kernel, bConv: p[1], wFC: p[2], bFC: p[3]) }
            }.min { abs($0 - finalLoss) < abs($1 - finalLoss) }!
            }
            // A short run's loss still falls fast: its last tenth is what the final weights explain.
            try LossConsistency.check(losses: outcome.losses, tail: max(10, min(100, outcome.losses.count / 10)), oracleLoss: oracleLoss,
                                      sample: "the first \(lossSample.count) training images", function: "lossCrossEntropySoftmax")
            let summary = String(format: "test accuracy %.4f, final loss %.3f (mean of the last 100 iterations), %.1f s for %d iterations",
                                 accuracy, finalLoss, outcome.seconds, iterations) + orientation
            try expect(accuracy > threshold,
                       expected: "test accuracy > \(threshold) after training with your functions", got: summary,
                       hint: "all function groups must pass first; then check that the loss curve falls (flat: gradients of the wrong sign or shape)")
            CheckNotes.add(summary)
        }
    }

    static let trainMLP = CheckGroup(name: "trainMLP", checks: [
        Check("train", "196-30-10 MLP, lr 0.1, decay 0.9 per 1000 iterations, batch 32, 10,000 iterations: accuracy > 85 %",
              timeoutScale: 30) { registry in try run(.mlp, registry, defaultThreshold: 0.85) },
    ])

    static let trainCNN = CheckGroup(name: "trainCNN", checks: [
        Check("train", "conv 3×3×1×3, ReLU, pool 2×2, FC 147→10, 10,000 iterations: accuracy > 90 %",
              timeoutScale: 60) { registry in try run(.cnn, registry, defaultThreshold: 0.9) },
    ])

    /// The submitted `<name>.npz` (anywhere in the submission folder) with the expected keys.
    static func submitted(_ file: String, keys: [String]) throws -> [String: Tensor] {
        guard let folder = CheckEnvironment.submissionDirectory else {
            throw CheckFailure(expected: "the submission folder", got: "none given", hint: "run through `grader run PATH`")
        }
        let found = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String }
            .filter { URL(fileURLWithPath: $0).lastPathComponent == file && !$0.contains(".build") }.sorted() ?? []
        guard let relative = found.first else {
            throw CheckFailure(expected: "\(file) in the submission", got: "no \(file) found",
                               hint: "produce it with `grader train --out DIR` (or your own training) and put it beside Package.swift")
        }
        // Student code may have written this folder (in a batch it is the sandbox's work folder):
        // read only a regular file that is really inside it, never a planted symlink.
        let path = "\(folder)/\(relative)"
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard type == .typeRegular, URL(fileURLWithPath: path).resolvingSymlinksInPath().path.hasPrefix(root + "/") else {
            throw CheckFailure(expected: "\(file) as a regular file in the submission", got: "a link or special file",
                               hint: "submit the file itself")
        }
        let arrays: [String: NumpyArray]
        do { arrays = try NPZ.read(path: path) } catch {
            throw CheckFailure(expected: "a readable \(file)", got: "\(error)", hint: "save it with np.savez (uncompressed, float64)")
        }
        var tensors: [String: Tensor] = [:]
        for key in keys {
            guard let array = arrays[key] else {
                throw CheckFailure(expected: "key '\(key)' in \(file)", got: "keys \(arrays.keys.sorted())",
                                   hint: "save with the handout's names: \(keys.joined(separator: ", "))")
            }
            tensors[key] = Tensor(shape: array.shape, scalars: array.scalars)
        }
        return tensors
    }

    static func expectShapes(_ tensors: [String: Tensor], _ shapes: [(String, [Int])], file: String) throws {
        for (key, shape) in shapes where tensors[key]?.shape != shape {
            throw CheckFailure(expected: "\(file) key '\(key)' of shape \(shape)", got: "shape \(tensors[key]?.shape ?? [])",
                               hint: "keep the handout's shapes (column vectors are n×1)")
        }
    }

    static let submittedMLP = CheckGroup(name: "submittedMLP", checks: [
        Check("weights", "mlp.npz (w1 30×196, b1 30×1, w2 10×30, b2 10×1) reaches > 85 % with the harness's inference",
              timeoutScale: 6) { registry in
            let t = try submitted("mlp.npz", keys: ["w1", "b1", "w2", "b2"])
            let hidden = t["w1"]?.shape.first ?? 30
            try expectShapes(t, [("w1", [hidden, 196]), ("b1", [hidden, 1]), ("w2", [10, hidden]), ("b2", [10, 1])], file: "mlp.npz")
            let threshold = CheckEnvironment.parameter("threshold", default: 0.85)
            let accuracy = try MNIST.load("test").accuracy {
                FunctionalOracle.predictMLP($0, w1: t["w1"]!, b1: t["b1"]!, w2: t["w2"]!, b2: t["b2"]!)
            }
            try expect(accuracy > threshold, expected: "test accuracy > \(threshold)", got: String(format: "%.4f", accuracy),
                       hint: "submit the weights of a run that passed trainMLP")
            CheckNotes.add(String(format: "test accuracy %.4f", accuracy))
        },
    ])

    static let submittedCNN = CheckGroup(name: "submittedCNN", checks: [
        Check("weights", "cnn.npz (w_conv 3×3×1×3, b_conv 3×1, w_fc 10×147, b_fc 10×1) reaches > 90 % with the harness's inference",
              timeoutScale: 6) { registry in
            let t = try submitted("cnn.npz", keys: ["w_conv", "b_conv", "w_fc", "b_fc"])
            try expectShapes(t, [("w_conv", [3, 3, 1, 3]), ("b_conv", [3, 1]), ("w_fc", [10, 147]), ("b_fc", [10, 1])], file: "cnn.npz")
            let threshold = CheckEnvironment.parameter("threshold", default: 0.9)
            let test = try MNIST.load("test")
            func accuracy(_ kernel: Tensor) -> Double {
                test.accuracy { FunctionalOracle.predictCNN($0, wConv: kernel, bConv: t["b_conv"]!, wFC: t["w_fc"]!, bFC: t["b_fc"]!) }
            }
            var result = accuracy(t["w_conv"]!)
            var orientation = "correlation"
            if result <= threshold && CheckEnvironment.parameter("acceptConvolution", default: 1) != 0 {
                let flipped = accuracy(FunctionalOracle.flipped(t["w_conv"]!))
                if flipped > result { (result, orientation) = (flipped, "convolution (kernel flipped)") }
            }
            try expect(result > threshold, expected: "test accuracy > \(threshold)", got: String(format: "%.4f", result),
                       hint: "submit the weights of a run that passed trainCNN")
            CheckNotes.add(String(format: "test accuracy %.4f, orientation: %@", result, orientation))
        },
    ])

    static let groups = [trainMLP, trainCNN, submittedMLP, submittedCNN]
}
