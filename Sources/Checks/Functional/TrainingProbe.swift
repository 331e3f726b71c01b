import ExerciseKit

/// hw5's training loop as a probe: ten thousand iterations of per-sample calls are far too many
/// to make one by one across the process boundary, so the worker runs Algorithm 1 with the
/// student's functions (the `WorkerJobs` job "hw5Training") and returns only what it produced
/// (trained weights, the loss of every iteration). The judge then scores those weights with the
/// harness's own inference.
public enum TrainingProbe {
    static let jobs: [String: WorkerJobs.Job] = ["hw5Training": { registry, argument in
        let items = try argument.list("a training request", count: 2)
        var parameters: [String: Double] = [:]
        for pair in try items[1].list("the parameters") {
            let kv = try pair.list("a parameter", count: 2)
            parameters[try kv[0].string("a parameter's name")] = try kv[1].double("a parameter's value")
        }
        return try run(model: try items[0].string("the model"), functions: try require(registry.functional, "Functional"),
                       parameters: parameters).value
    }]

    /// Trains `model` in the worker (or here, for a registry of local objects).
    static func remote(model: String, registry: SubmissionRegistry, parameters: [String: Double]) throws -> Outcome {
        let request = ExerciseValue.list([.string(model), .list(parameters.sorted { $0.key < $1.key }.map { .list([.string($0.key), .double($0.value)]) })])
        let reply = try WorkerJobs.run("hw5Training", registry, request)
        do {
            return try Outcome(reply)
        } catch let error as CallError {
            throw CheckFailure(expected: "trained parameters and a loss curve", got: "a malformed training result (\(error.description))",
                               hint: "keep the contracts' return types")
        }
    }

    public struct Outcome: Sendable {
        public var parameters: [(name: String, tensor: Tensor)]
        public var losses: [Double]
        public var seconds: Double

        public init(parameters: [(name: String, tensor: Tensor)], losses: [Double], seconds: Double) {
            self.parameters = parameters
            self.losses = losses
            self.seconds = seconds
        }

        /// The parameters in training order (the check compares names and shapes in order).
        var value: ExerciseValue {
            .list([.list(parameters.map { .list([.string($0.name), .tensor($0.tensor)]) }), .tensor(Tensor(losses)), .double(seconds)])
        }

        init(_ value: ExerciseValue) throws {
            let items = try value.list("a training result", count: 3)
            parameters = try items[0].list("the trained parameters").map { pair in
                let named = try pair.list("a trained parameter", count: 2)
                return (try named[0].string("a parameter's name"), try named[1].tensor("a trained parameter"))
            }
            (losses, seconds) = (try items[1].tensor("the losses").scalars, try items[2].double("the seconds"))
        }
    }

    /// Trains `model` ("mlp" or "cnn") on the training images of the data folder.
    /// `parameters`: iterations, learningRate, decay, batchSize (the rubric group's).
    public static func run(model: String, functions: any FunctionalExercise, parameters: [String: Double]) throws -> Outcome {
        guard let kind = TrainingRun.Model(rawValue: model) else { throw DataError(description: "no model \(model)") }
        var run = TrainingRun(model: kind, functions: functions)
        run.iterations = Int(parameters["iterations"] ?? 10_000)
        run.learningRate = parameters["learningRate"] ?? 0.1
        run.decay = parameters["decay"] ?? 0.9
        run.batchSize = Int(parameters["batchSize"] ?? 32)
        let outcome = try run.run(on: try MNIST.load("train"))
        return Outcome(parameters: outcome.parameters, losses: outcome.losses, seconds: outcome.seconds)
    }
}
