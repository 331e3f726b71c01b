import ExerciseKit
import Foundation

/// Problems 4.3.4, 4.4.6 and 4.4.7: the judge's solver trains the submission's network with
/// its own update rule (`ModularSolver`), and scores the parameters it holds with its own
/// inference: the training accuracy on the samples it overfits, or the accuracy on the
/// 2,000 MNIST 14×14 test images, which never reach the worker. Rubric parameters override the
/// defaults: `epochs`, `learningRate`, `batchSize`, `trainCount`, `weightScale`, `threshold`.
enum ModularTrainingChecks {
    static func request(_ defaults: ModularSolver.Request) -> ModularSolver.Request {
        var request = defaults
        request.epochs = Int(CheckEnvironment.parameter("epochs", default: Double(defaults.epochs)))
        request.learningRate = CheckEnvironment.parameter("learningRate", default: defaults.learningRate)
        request.batchSize = Int(CheckEnvironment.parameter("batchSize", default: Double(defaults.batchSize)))
        request.trainCount = Int(CheckEnvironment.parameter("trainCount", default: Double(defaults.trainCount)))
        request.weightScale = CheckEnvironment.parameter("weightScale", default: defaults.weightScale)
        // Drawn from the check's source, so each of majorityOfThreeSeeds' attempts starts elsewhere.
        request.seed = UInt32(RandomSource.shared.integer(below: 1 << 31))
        return request
    }

    /// Trains with the judge's solver (every answer of the worker verified), and keeps the curve.
    static func train(_ registry: SubmissionRegistry, _ request: ModularSolver.Request) throws -> ModularSolver.Outcome {
        let outcome = try ModularSolver.train(registry, request)
        CheckArtifacts.add("loss", shape: [outcome.losses.count], values: outcome.losses)
        return outcome
    }

    /// The mean over images `indices` of `split` of `measure(scores, labels)`, where `scores` are the
    /// oracle's for `params` (in chunks of 250 images).
    static func mean(_ params: [String: Tensor], _ network: ModularSolver.Request.Network, split: String, indices: [Int],
                     student: (any ModularNetwork)? = nil, _ measure: (Tensor, [Int]) -> Double) throws -> Double {
        let data = try MNIST.load(split)
        var total = 0.0
        for start in stride(from: 0, to: indices.count, by: 250) {
            let chunk = Array(indices[start..<min(start + 250, indices.count)])
            let (x, y) = ModularSolver.inputs(data, chunk, for: network)
            let scores = try scoresOf(x, params, network, student: student)
            total += measure(scores, y) * Double(chunk.count)
        }
        return total / Double(max(1, indices.count))
    }

    /// The class scores (N, 10) of `params` on `x`: the harness's inference; in a kit, which has
    /// none, the student's network's `scores` at those parameters.
    static func scoresOf(_ x: Tensor, _ params: [String: Tensor], _ network: ModularSolver.Request.Network,
                         student: (any ModularNetwork)? = nil) throws -> Tensor {
        if let oracles = harnessOracles { return Tensor(shape: [x.shape[0], 10], scalars: oracles.modularScores(x, params, network)) }
        guard let student else { throw DataError(description: "a kit scores trained parameters with the submission's network: none was given") }
        for (name, value) in params.sorted(by: { $0.key < $1.key }) { try ModularNetworkChecks.setParam(student, name, value) }
        return try student.scores(x)
    }

    /// The oracle's mean softmax data loss of `params` on training images `indices`.
    static func loss(_ params: [String: Tensor], _ network: ModularSolver.Request.Network, indices: [Int]) throws -> Double {
        try mean(params, network, split: "train", indices: indices) { scores, y in
            (0..<y.count).reduce(0.0) { total, row in
                let s = scores.scalars[(row * 10)..<(row * 10 + 10)]
                let shift = s.max()!
                return total + log(s.reduce(0) { $0 + exp($1 - shift) }) + shift - s[row * 10 + y[row]]
            } / Double(max(1, y.count))
        }
    }

    /// The oracle's accuracy of `params` on images `indices` of `split`.
    static func accuracy(_ params: [String: Tensor], _ network: ModularSolver.Request.Network, split: String, indices: [Int],
                         student: (any ModularNetwork)? = nil) throws -> Double {
        try mean(params, network, split: split, indices: indices, student: student) { CheckMath.accuracy($0, $1) }
    }

    static func summary(_ what: String, _ accuracy: Double, _ outcome: ModularSolver.Outcome, _ request: ModularSolver.Request) -> String {
        String(format: "%@ %.4f, final loss %.4f, %.1f s for %d epochs of %d images (%@, α %g)", what, accuracy, outcome.losses.last ?? .nan,
               outcome.seconds, request.epochs, min(request.trainCount, 12_000), request.updateRule, request.learningRate)
    }

    static var overfitRequest: ModularSolver.Request {
        var r = ModularSolver.Request()
        (r.network, r.hiddenDims, r.weightScale) = (.fullyConnectedNet, [100, 100], 1e-1)
        (r.updateRule, r.learningRate, r.epochs, r.batchSize, r.trainCount) = ("sgd", 0.5, 20, 25, 50)
        return r
    }

    static var convOverfitRequest: ModularSolver.Request {
        var r = ModularSolver.Request()
        (r.network, r.numFilters, r.filterSize, r.hiddenDim, r.weightScale) = (.threeLayerConvNet, 8, 5, 64, 5e-2)
        (r.updateRule, r.learningRate, r.epochs, r.batchSize, r.trainCount) = ("adam", 1e-2, 15, 25, 100)
        return r
    }

    static var convTrainRequest: ModularSolver.Request {
        var r = convOverfitRequest
        (r.learningRate, r.epochs, r.batchSize, r.trainCount) = (3e-3, 2, 50, 12_000)
        return r
    }

    static func overfit(_ registry: SubmissionRegistry, _ defaults: ModularSolver.Request, threshold defaultThreshold: Double, hint: String) throws {
        let threshold = CheckEnvironment.parameter("threshold", default: defaultThreshold)
        try majorityOfThreeSeeds {
            let request = request(defaults)
            let outcome = try train(registry, request)
            let accuracy = try accuracy(outcome.params, request.network, split: "train", indices: Array(0..<request.trainCount), student: outcome.network)
            let text = summary("training accuracy", accuracy, outcome, request)
            try expect(accuracy >= threshold, expected: "training accuracy ≥ \(threshold) on the \(request.trainCount) images it trained on",
                       got: text, hint: hint)
            CheckNotes.add(text)
        }
    }

    static let overfitSmallData = CheckGroup(name: "overfitSmallData", checks: [
        Check("threeLayerNet", "hidden (100, 100), weightScale 0.1, sgd α 0.5, 20 epochs of 50 images, batch 25: 100 % training accuracy",
              timeoutScale: 6) { registry in
            try overfit(registry, overfitRequest, threshold: 1.0,
                        hint: "a network that cannot overfit 50 images has a wrong gradient: the fullyConnectedNet group's checks say which")
        },
    ])

    static let convNetOverfit = CheckGroup(name: "convNetOverfit", checks: [
        Check("overfit", "8 filters 5×5, hidden 64, weightScale 5e-2, adam α 1e-2, 15 epochs of 100 images, batch 25: training accuracy ≥ 95 %",
              timeoutScale: 12) { registry in
            try overfit(registry, convOverfitRequest, threshold: 0.95,
                        hint: "the threeLayerConvNet group's gradient check and the adam group come first")
        },
    ])

    static let convNetTrain = CheckGroup(name: "convNetTrain", checks: [
        Check("testAccuracy", "two epochs of the 12,000 training images (adam α 3e-3, batch 50): accuracy on the 2,000 test images > 90 %",
              timeoutScale: 12) { registry in
            let threshold = CheckEnvironment.parameter("threshold", default: 0.9)
            try majorityOfThreeSeeds {
                let request = request(convTrainRequest)
                let outcome = try train(registry, request)
                let test = try MNIST.load("test")
                let accuracy = try accuracy(outcome.params, request.network, split: "test", indices: Array(0..<test.count), student: outcome.network)
                let text = summary("test accuracy", accuracy, outcome, request)
                try expect(accuracy > threshold, expected: "test accuracy > \(threshold) (the reference's, less a margin)", got: text,
                           hint: "pass convNetOverfit first; then compare the loss curve in grader-report/ with the reference's")
                CheckNotes.add(text)
            }
        },
    ])
}
