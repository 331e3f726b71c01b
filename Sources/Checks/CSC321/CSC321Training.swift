import ExerciseKit
import Foundation
import RemoteObjects

/// The assignment's training of a config, run by the judge: it draws the initial weights, holds
/// them and the momentum, shuffles the minibatches and applies the update (momentum and L2
/// decay, from the config). The worker only runs the submission's layer functions on the judge's
/// minibatch and parameters: one call plan per minibatch, forward and backward through every
/// layer. Every answer is verified before it is used: the loss and each gradient against the
/// harness's own network (`SequentialOracle`). A kit has none (`harnessOracles` is nil): there
/// the answers are trusted.
enum CSC321Training {
    struct Outcome {
        var params: [Tensor]
        /// The loss of every minibatch: the judge's own, of the parameters it held.
        var losses: [Double]
        var testAccuracy: Double
        var seconds: Double
    }

    /// How closely the student's loss and gradients must agree with the harness's.
    static let tolerance = 1e-6

    /// Shapes of every layer's output and every parameter, from the oracle (recorded in a kit).
    static func shapes(_ config: CSC321Config) throws -> (outputs: [[Int]], params: [[Int]]) {
        guard let shapes = try NetworkLayer.shapes(config.networkLayers, input: config.input) else {
            throw DataError(description: "config \(config.name): its layers do not fit an input of \(config.input) (rubric/data/csc321/\(config.name).yaml)")
        }
        return shapes
    }

    /// One minibatch's forward and backward pass as a call plan. Shared values: x, y, the
    /// parameters, then the numbers the layers need. Outputs: the loss, then every parameter's
    /// gradient in order; with `forwardOnly`, the class scores.
    static func plan(_ config: CSC321Config, method: ConvMethod, batch n: Int, outputs: [[Int]], forwardOnly: Bool = false)
        -> (plan: CallPlan, numbers: [ExerciseValue]) {
        var steps: [CallPlan.Step] = []
        let parameterCount = config.layers.reduce(0) { $0 + ($1.hasWeights ? 2 : 0) }
        var numbers: [ExerciseValue] = []
        func number(_ value: Int) -> CallPlan.Source {
            numbers.append(.int(value))
            return .shared(2 + parameterCount + numbers.count - 1)
        }
        let methodSource = number(method.rawValue)
        func step(_ method: String, _ arguments: [CallPlan.Source], shape: [Int]? = nil) -> Int {
            steps.append(CallPlan.Step(method, arguments, shape: shape))
            return steps.count - 1
        }
        var current = CallPlan.Source.shared(0)
        var currentShape = [n] + config.input
        // Per layer: its input (as the layer got it), the shape before a flattening reshape, its first parameter.
        var inputs: [(source: CallPlan.Source, unflattened: [Int]?, parameter: Int)] = []
        var parameter = 0
        for (index, layer) in config.layers.enumerated() {
            let outputShape = [n] + outputs[index]
            switch layer {
            case .fc:
                var unflattened: [Int]? = nil
                if currentShape.count > 2 {
                    unflattened = currentShape
                    currentShape = [n, currentShape.dropFirst().reduce(1, *)]
                    current = .result(step: step("reshape", [current], shape: currentShape), component: nil)
                }
                inputs.append((current, unflattened, parameter))
                current = .result(step: step("fcForward", [current, .shared(2 + parameter), .shared(3 + parameter)], shape: outputShape), component: nil)
                parameter += 2
            case .conv(_, _, let pad):
                inputs.append((current, nil, parameter))
                current = .result(step: step("convForward", [current, .shared(2 + parameter), .shared(3 + parameter), number(pad), methodSource],
                                             shape: outputShape), component: nil)
                parameter += 2
            case .relu:
                inputs.append((current, nil, parameter))
                current = .result(step: step("reluForward", [current], shape: outputShape), component: nil)
            case .maxPool(let size):
                inputs.append((current, nil, parameter))
                current = .result(step: step("maxPoolForward", [current, number(size)], shape: outputShape), component: nil)
            }
            currentShape = outputShape
        }
        if forwardOnly {
            return (CallPlan(steps: steps, outputs: [.init(current, .each)]), numbers)
        }
        let loss = step("softmaxCrossEntropy", [current, .shared(1)])
        var gradient = CallPlan.Source.result(step: loss, component: 1)
        var gradientSources: [CallPlan.Source] = Array(repeating: .shared(0), count: parameterCount)
        for (index, layer) in config.layers.enumerated().reversed() {
            let input = inputs[index]
            switch layer {
            case .fc:
                let backward = step("fcBackward", [gradient, input.source, .shared(2 + input.parameter)])
                gradientSources[input.parameter] = .result(step: backward, component: 1)
                gradientSources[input.parameter + 1] = .result(step: backward, component: 2)
                gradient = .result(step: backward, component: 0)
                if let shape = input.unflattened { gradient = .result(step: step("reshape", [gradient], shape: shape), component: nil) }
            case .conv(_, _, let pad):
                let backward = step("convBackward", [gradient, input.source, .shared(2 + input.parameter), number(pad), methodSource])
                gradientSources[input.parameter] = .result(step: backward, component: 1)
                gradientSources[input.parameter + 1] = .result(step: backward, component: 2)
                gradient = .result(step: backward, component: 0)
            case .relu:
                gradient = .result(step: step("reluBackward", [gradient, input.source]), component: nil)
            case .maxPool(let size):
                gradient = .result(step: step("maxPoolBackward", [gradient, input.source, number(size)]), component: nil)
            }
        }
        let planOutputs = [CallPlan.Output(.result(step: loss, component: 0), .each)] + gradientSources.map { CallPlan.Output($0, .each) }
        return (CallPlan(steps: steps, outputs: planOutputs), numbers)
    }

    /// Runs `plan` once on the submission's function set with these shared values.
    static func evaluate(_ functions: any Callable, _ plan: CallPlan, shared: [ExerciseValue], whileWaiting: () -> Void) throws -> [ExerciseValue] {
        let evaluator = try planEvaluator(functions as AnyObject, "CSC321")
        let wire = try shared.map { try WireValue($0) { _ in throw CallError("only data travels in a plan") } }
        let outputs = try evaluator.evaluate(plan, shared: wire, samples: .values([[]]), whileWaiting: whileWaiting)
        return try outputs.map { output in
            guard case .list(let each) = output, each.count == 1 else {
                throw CheckFailure(expected: "one result per output", got: "\(output)".prefix(80).description, hint: "a worker out of protocol")
            }
            return try each[0].exerciseValue { _ in throw CallError("an object where data was expected") }
        }
    }

    static func train(_ registry: SubmissionRegistry, _ config: CSC321Config, method: ConvMethod, seed: UInt32) throws -> Outcome {
        let functions = try CSC321Client.callable(registry)
        let (train, test) = try USPS16.load()
        let start = DispatchTime.now()
        let (outputs, parameterShapes) = try shapes(config)
        let random = RandomSource(seed: seed)
        var params = parameterShapes.enumerated().map { index, shape in
            index % 2 == 0 ? random.normal(shape: shape, standardDeviation: config.weightScale) : Tensor(zeros: shape)
        }
        var velocity = params.map { Tensor(zeros: $0.shape) }
        let flat = config.input.count == 1
        let layers = config.networkLayers
        var losses: [Double] = []
        var iteration = 0
        func fail(_ expected: String, _ got: String, _ hint: String) -> CheckFailure {
            CheckArtifacts.add("loss", shape: [losses.count], values: losses)
            return CheckFailure(expected: expected, got: "\(got) at iteration \(iteration) (\(config.name), method \(method.rawValue))", hint: hint)
        }
        for _ in 0..<config.epochs {
            let order = random.permutation(train.count)
            for batchStart in stride(from: 0, to: order.count, by: config.batchSize) {
                iteration += 1
                let (x, y) = train.batch(Array(order[batchStart..<min(batchStart + config.batchSize, order.count)]), flat: flat)
                let (plan, numbers) = plan(config, method: method, batch: y.count, outputs: outputs)
                var measure: (loss: Double, gradients: [Tensor], largestSampleLoss: Double)?
                let answers: [ExerciseValue]
                do {
                    answers = try evaluate(functions, plan, shared: [.tensor(x), .ints(y)] + params.map { .tensor($0) } + numbers) {
                        measure = harnessOracles?.sequentialMeasure(x, y, layers, params, l2: 0)
                    }
                } catch let error as CallError {
                    throw fail("the layers' forward and backward on the grader's minibatch", error.description, "keep the contract's return types and shapes")
                }
                let reported: Double
                let gradients: [Tensor]
                do {
                    reported = try answers[0].double("the loss")
                    gradients = try answers.dropFirst().map { try $0.tensor("a gradient") }
                } catch let error as CallError {
                    throw fail("a loss and a gradient per parameter", error.description, "keep the contract's return types")
                }
                for (index, gradient) in gradients.enumerated() where gradient.shape != params[index].shape {
                    throw fail("the gradient of parameter \(index + 1) with shape \(params[index].shape)", "shape \(gradient.shape)",
                               "a backward returns dw and db in the shapes of w and b: the layer groups' checks say which")
                }
                guard reported.isFinite, !gradients.contains(where: \.hasNonFinite) else {
                    throw fail("a finite loss and gradients", "loss \(reported)", "NaN or inf: a softmax without the max shift?")
                }
                if let measure {
                    guard abs(reported - measure.loss) <= tolerance * max(1, measure.largestSampleLoss) else {
                        throw fail("the minibatch's loss at the grader's parameters: \(TrainingRun.format(measure.loss))", TrainingRun.format(reported),
                                   "softmaxCrossEntropy is the batch mean of −log softmax[label]: its group's checks say more")
                    }
                    for (index, gradient) in gradients.enumerated() {
                        let want = measure.gradients[index]
                        let scale = want.scalars.reduce(0) { max($0, abs($1)) }
                        let worst = zip(gradient.scalars, want.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
                        guard worst <= tolerance * scale + 1e-9 else {
                            throw fail("the gradient of parameter \(index + 1) (\(index % 2 == 0 ? "w" : "b") of layer \(parameterLayer(config, index) + 1))",
                                       "one off by \(TrainingRun.format(worst)) where its largest entry is \(TrainingRun.format(scale))",
                                       "that layer's backward (method \(method.rawValue) for a convolution): its group's checks say more")
                        }
                    }
                    losses.append(measure.loss)
                } else {
                    losses.append(reported)
                }
                // The update is the judge's: momentum, L2 decay on the weights (not the biases).
                for index in params.indices {
                    let decayed = index % 2 == 0 ? gradients[index] + config.l2Decay * params[index] : gradients[index]
                    velocity[index] = config.momentum * velocity[index] - config.learningRate * decayed
                    params[index] = params[index] + velocity[index]
                }
            }
        }
        let accuracy = try testAccuracy(functions, config, method: method, params: params, outputs: outputs, test: test)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(params: params, losses: losses, testAccuracy: accuracy, seconds: seconds)
    }

    /// The index of the layer that owns parameter `index`.
    static func parameterLayer(_ config: CSC321Config, _ index: Int) -> Int {
        var seen = 0
        for (layer, kind) in config.layers.enumerated() {
            if kind.hasWeights { seen += 2 }
            if seen > index { return layer }
        }
        return config.layers.count - 1
    }

    /// Accuracy on the 599 test images: the harness's inference on the judge's parameters; in a
    /// kit, which has none, the submission's forward.
    static func testAccuracy(_ functions: any Callable, _ config: CSC321Config, method: ConvMethod, params: [Tensor],
                             outputs: [[Int]], test: USPS16) throws -> Double {
        var correct = 0.0
        for start in stride(from: 0, to: test.count, by: 200) {
            let (x, y) = test.batch(Array(start..<min(start + 200, test.count)), flat: config.input.count == 1)
            let scores: Tensor
            if let oracles = harnessOracles {
                scores = oracles.sequentialScores(x, config.networkLayers, params)
            } else {
                let (plan, numbers) = plan(config, method: method, batch: y.count, outputs: outputs, forwardOnly: true)
                scores = try evaluate(functions, plan, shared: [.tensor(x), .ints(y)] + params.map { .tensor($0) } + numbers) {}[0].tensor("the scores")
            }
            correct += CheckMath.accuracy(scores, y) * Double(y.count)
        }
        return correct / Double(test.count)
    }
}
