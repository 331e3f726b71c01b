import Archive
import ExerciseKit
import Foundation

/// hw5's trained models: the MLP and CNN trained by Algorithm 1 with the submission's functions
/// (rubric parameters: iterations, learningRate, decay, batchSize, threshold), and the weight
/// files the student submits (mlp.npz, cnn.npz) scored with the harness's own inference.
enum TrainingChecks {
    /// Trains with the submission's functions, the judge driving every iteration (`TrainingRun`),
    /// then scores the judge's own parameters with the harness's inference on the test set, which
    /// never reaches student code.
    static func run(_ model: TrainingRun.Model, _ registry: SubmissionRegistry, defaultThreshold: Double) throws {
        let evaluator = try planEvaluator(try require(registry.functional, "Functional") as AnyObject, "Functional")
        let threshold = CheckEnvironment.parameter("threshold", default: defaultThreshold)
        var training = TrainingRun(model: model)
        training.iterations = Int(CheckEnvironment.parameter("iterations", default: 10_000))
        training.learningRate = CheckEnvironment.parameter("learningRate", default: 0.1)
        training.decay = CheckEnvironment.parameter("decay", default: 0.9)
        training.batchSize = Int(CheckEnvironment.parameter("batchSize", default: 32))
        training.acceptConvolution = CheckEnvironment.parameter("acceptConvolution", default: 1) != 0
        let (train, test) = (try MNIST.load("train"), try MNIST.load("test"))
        try majorityOfThreeSeeds {
            let outcome = try training.run(evaluator, on: train)
            CheckArtifacts.add("loss", shape: [outcome.losses.count], values: outcome.losses)
            for (name, tensor) in outcome.parameters { CheckArtifacts.add(name, tensor) }
            var p = outcome.parameters.map(\.tensor)
            if outcome.flippedKernel { p[0] = CheckMath.flipped(p[0]) }
            let accuracy = try accuracy(model, p, on: test, evaluator: evaluator)
            let orientation = model == .mlp || harnessOracles == nil ? ""
                : outcome.flippedKernel ? ", orientation: convolution (kernel flipped)" : ", orientation: correlation"
            let tail = outcome.losses.suffix(100)
            let finalLoss = tail.reduce(0, +) / Double(max(1, tail.count))
            let summary = String(format: "test accuracy %.4f, final loss %.3f (mean of the last 100 iterations), %.1f s for %d iterations",
                                 accuracy, finalLoss, outcome.seconds, training.iterations) + orientation
            try expect(accuracy > threshold,
                       expected: "test accuracy > \(threshold) after training with your functions", got: summary,
                       hint: "all function groups must pass first; then check that the loss curve falls (flat: gradients of the wrong sign or shape)")
            CheckNotes.add(summary)
        }
    }

    /// The test accuracy of parameters `p` (a CNN's kernel in correlation's orientation): with the
    /// harness's inference in the grader; in a kit, which has none, with the student's functions.
    static func accuracy(_ model: TrainingRun.Model, _ p: [Tensor], on test: MNIST, evaluator: @autoclosure () throws -> any PlanEvaluating) throws -> Double {
        if let oracles = harnessOracles {
            return test.accuracy { oracles.hw5Scores(model, $0, p).argmax() }
        }
        let predictions = try TrainingRun.studentPredictions(try evaluator(), model, p, on: test)
        return Double(zip(predictions, test.labels.scalars).filter { $0 == Int($1) }.count) / Double(max(1, test.count))
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
            let accuracy = try accuracy(.mlp, [t["w1"]!, t["b1"]!, t["w2"]!, t["b2"]!], on: try MNIST.load("test"),
                                        evaluator: try planEvaluator(try require(registry.functional, "Functional") as AnyObject, "Functional"))
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
            func accuracy(_ kernel: Tensor) throws -> Double {
                try Self.accuracy(.cnn, [kernel, t["b_conv"]!, t["w_fc"]!, t["b_fc"]!], on: test,
                                  evaluator: try planEvaluator(try require(registry.functional, "Functional") as AnyObject, "Functional"))
            }
            var result = try accuracy(t["w_conv"]!)
            var orientation = "correlation"
            if result <= threshold && CheckEnvironment.parameter("acceptConvolution", default: 1) != 0 {
                let flipped = try accuracy(CheckMath.flipped(t["w_conv"]!))
                if flipped > result { (result, orientation) = (flipped, "convolution (kernel flipped)") }
            }
            try expect(result > threshold, expected: "test accuracy > \(threshold)", got: String(format: "%.4f", result),
                       hint: "submit the weights of a run that passed trainCNN")
            CheckNotes.add(String(format: "test accuracy %.4f, orientation: %@", result, orientation))
        },
    ])
}
