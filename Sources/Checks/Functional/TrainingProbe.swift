import ExerciseKit

/// hw5's training loop as a probe: ten thousand iterations of per-sample calls are far too many
/// to make one by one across the process boundary, so the worker runs Algorithm 1 with the
/// student's functions and returns only what it produced (trained weights, the loss of every
/// iteration). The judge then scores those weights with the harness's own inference.
public enum TrainingProbe {
    public struct Outcome: Sendable {
        public var parameters: [(name: String, tensor: Tensor)]
        public var losses: [Double]
        public var seconds: Double

        public init(parameters: [(name: String, tensor: Tensor)], losses: [Double], seconds: Double) {
            self.parameters = parameters
            self.losses = losses
            self.seconds = seconds
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
