import ExerciseKit
import Foundation
import RemoteObjects

/// The assignment's `Solver`, which the original gives to students: minibatch training of a
/// network with one update rule, run by the judge. The judge draws the initial parameters, holds
/// them, the update rules' state, the schedule and the minibatch order; the worker only answers
/// `loss(X, y)` of the submission's network at the parameters the judge sets, and the update
/// rule's `nextW` for the judge's (w, dw, config). Every answer is verified before it is used: the
/// loss against the judge's own (`ModularVerifier`), the gradients along a direction the student
/// cannot know (a central difference of the judge's loss), `nextW` against the rule's arithmetic.
/// A student's kit has none of these (`harnessOracles` is nil): there the answers are trusted.
enum ModularSolver {
    /// What to train, on what, how.
    struct Request: Equatable {
        enum Network: String { case fullyConnectedNet, threeLayerConvNet }
        var network = Network.fullyConnectedNet
        var hiddenDims = [100, 100]
        var numFilters = 8, filterSize = 5, hiddenDim = 64
        var weightScale = 1e-2, reg = 0.0
        var updateRule = "sgd", learningRate = 1e-2, learningRateDecay = 1.0
        var epochs = 20, batchSize = 25
        /// The first `trainCount` images of the training set.
        var trainCount = 50
        var seed: UInt32 = 0

        init() {}
    }

    struct Outcome {
        var params: [String: Tensor]
        /// The loss of every iteration: the judge's own, of the parameters it held.
        var losses: [Double]
        var seconds: Double
        /// The student's network it trained (a kit scores with it; the grader never does).
        var network: (any ModularNetwork)?
    }

    /// The network's input for training images `indices`: rows of 196, or (N, 1, 14, 14).
    static func inputs(_ data: MNIST, _ indices: [Int], for network: Request.Network) -> (Tensor, [Int]) {
        data.batch(indices, shape: network == .fullyConnectedNet ? [indices.count, 196] : [indices.count, 1, 14, 14])
    }

    static func build(_ modular: any ModularExercise, _ request: Request) throws -> any ModularNetwork {
        switch request.network {
        case .fullyConnectedNet:
            return try modular.fullyConnectedNet(hiddenDims: request.hiddenDims, inputDim: 196, numClasses: 10, dropoutKeep: 1,
                                                 reg: request.reg, weightScale: request.weightScale, seed: request.seed)
        case .threeLayerConvNet:
            return try modular.threeLayerConvNet(inputDim: [1, 14, 14], numFilters: request.numFilters, filterSize: request.filterSize,
                                                 hiddenDim: request.hiddenDim, numClasses: 10, weightScale: request.weightScale,
                                                 reg: request.reg, seed: request.seed)
        }
    }

    /// How closely the student's answers must agree with the judge's: the loss as hw5's
    /// (`TrainingRun.lossAgrees`), the gradients' derivative
    /// along the judge's direction (a central difference, step `probeStep` on a unit direction),
    /// and the update rules' nextW.
    static let slopeTolerance = 2e-2, slopeFloor = 1e-6, probeStep = 1e-4
    static let updateTolerance = 1e-6

    /// The weights weightScale·N(0, 1) and zero biases, drawn by the judge.
    static func initialParams(_ request: Request, _ random: RandomSource) -> [String: Tensor] {
        let shapes = switch request.network {
        case .fullyConnectedNet: ModularNetworkChecks.fcShapes([196] + request.hiddenDims + [10])
        case .threeLayerConvNet: ModularNetworkChecks.convShapes(filters: request.numFilters, size: request.filterSize, input: [1, 14, 14],
                                                                 hidden: request.hiddenDim, classes: 10)
        }
        var params: [String: Tensor] = [:]
        for name in shapes.keys.sorted() {
            params[name] = name.hasPrefix("W") ? random.normal(shape: shapes[name]!, standardDeviation: request.weightScale) : Tensor(zeros: shapes[name]!)
        }
        return params
    }

    static func train(_ registry: SubmissionRegistry, _ request: Request) throws -> Outcome {
        let modular = try ModularClient.of(registry)
        let data = try MNIST.load("train")
        let start = DispatchTime.now()
        let network = try build(modular, request)
        let random = RandomSource(seed: request.seed &+ 1)
        var params = initialParams(request, random)
        let names = params.keys.sorted()
        // Unit directions for the gradient check, drawn once; one (and a sign) per iteration. The
        // conv bias is left out: at 0 it puts every background pixel on ReLU's kink.
        let directions: [[String: Tensor]] = (0..<8).map { _ in
            var v = params.mapValues { random.normal(shape: $0.shape) }
            if request.network == .threeLayerConvNet { v["b1"] = Tensor(zeros: params["b1"]!.shape) }
            let norm = v.values.reduce(0) { $0 + $1.scalars.reduce(0) { $0 + $1 * $1 } }.squareRoot()
            return v.mapValues { $0 * (1 / norm) }
        }
        var configs: [String: UpdateConfig] = [:]
        var learningRate = request.learningRate
        var losses: [Double] = []
        let count = min(request.trainCount, data.count)
        var iteration = 0
        func fail(_ expected: String, _ got: String, _ hint: String) -> CheckFailure {
            CheckArtifacts.add("loss", shape: [losses.count], values: losses)
            return CheckFailure(expected: expected, got: "\(got) at iteration \(iteration)", hint: hint)
        }
        // sgd has no group of its own (the assignment gives it): its hint states the rule.
        let ruleHint = request.updateRule == "sgd" ? "sgd's next_w is w − config.learningRate·dw, and its config is returned unchanged"
            : "run the \(request.updateRule) group's checks"
        for _ in 0..<request.epochs {
            let permutation = random.permutation(count)
            for batchStart in stride(from: 0, to: count, by: request.batchSize) {
                iteration += 1
                let (x, y) = inputs(data, Array(permutation[batchStart..<min(batchStart + request.batchSize, count)]), for: request.network)
                // The judge's loss here and at ±h along two directions, computed while the worker
                // sets the judge's parameters and runs loss(X, y) (one round trip).
                var measures: (here: TrainingMeasure, probes: [(v: [String: Tensor], slope: Double)])?
                let probe = (0..<2).map { _ in (directions[random.integer(below: directions.count)], random.uniform() < 0.5 ? -1.0 : 1.0) }
                let answers = try batched(network, names.map { ("setParam", [.string($0), .tensor(params[$0]!)]) } + [("loss", [.tensor(x), .ints(y)])]) {
                    guard let oracles = harnessOracles else { return }
                    measures = (oracles.modularMeasure(x, y, params, request.network, reg: request.reg),
                                probe.map { v, sign in
                                    let scaled = v.mapValues { $0 * sign }
                                    func moved(_ h: Double) -> [String: Tensor] { params.merging(scaled.mapValues { $0 * h }) { $0 + $1 } }
                                    let plus = oracles.modularMeasure(x, y, moved(probeStep), request.network, reg: request.reg).loss
                                    let minus = oracles.modularMeasure(x, y, moved(-probeStep), request.network, reg: request.reg).loss
                                    return (scaled, (plus - minus) / (2 * probeStep))
                                })
                }
                let (reported, grads): (Double, [String: Tensor])
                do {
                    let items = try answers.last!.list("the result of loss(X, y)", count: 2)
                    (reported, grads) = (try items[0].double("the loss"), try items[1].namedTensors("the gradients"))
                } catch let error as CallError {
                    throw fail("loss(X, y) returning (loss, grads)", error.description, "keep the contracts' return types")
                }
                guard grads.keys.sorted() == names, names.allSatisfy({ grads[$0]!.shape == params[$0]!.shape }) else {
                    throw fail("gradients of \(names.map { "\($0) \(params[$0]!.shape)" }.joined(separator: ", "))",
                               "loss(X, y) returned gradients \(grads.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.shape)" }.joined(separator: ", "))",
                               "the network groups' checks pin the names and shapes: fix those first")
                }
                guard reported.isFinite, grads.values.allSatisfy({ !$0.hasNonFinite }) else {
                    throw fail("a finite training loss and gradients", "loss \(reported)\(grads.values.contains(where: \.hasNonFinite) ? " and NaN or inf in the gradients" : "")",
                               "NaN or inf: a softmax without the max shift, or an update rule of the wrong sign")
                }
                // Every parameter's update rule call, with the config the judge keeps at this epoch's rate.
                let current = Dictionary(uniqueKeysWithValues: names.map { name in
                    var config = configs[name] ?? UpdateConfig(learningRate: learningRate)
                    config.learningRate = learningRate
                    return (name, config)
                })
                let calls: [(String, [ExerciseValue])] = names.map { name in
                    (request.updateRule, [.tensor(params[name]!), .tensor(grads[name]!), current[name]!.exerciseValue])
                }
                guard let measures else {
                    // A kit: the student's loss, gradients and update rule, unverified.
                    losses.append(reported)
                    for (name, answer) in zip(names, try batched(modular, calls) {}) {
                        let result = try? answer.list("the result", count: 2)
                        guard let next = try? result?[0].tensor("next_w"), next.shape == params[name]!.shape,
                              let config = try? result.map({ try UpdateConfig($0[1]) }) else {
                            throw fail("\(request.updateRule)(w, dw, config) for \(name) to return (next_w, config)", "another result", ruleHint)
                        }
                        (params[name], configs[name]) = (next, config)
                    }
                    continue
                }
                let here = measures.here
                if !TrainingRun.lossAgrees(reported, loss: here.loss, largestSampleLoss: here.largestSampleLoss) {
                    throw fail("the loss of the parameters the grader set: \(TrainingRun.format(here.loss)) on this minibatch",
                               "\(TrainingRun.format(reported)) from loss(X, y)",
                               "loss(X, y) must compute the data loss of the network's current params plus 0.5·reg·ΣW²: run the network groups' checks")
                }
                // A ReLU crossed within the step can spoil one difference: only two mismatches fail
                // (a steering gradient misses both: it cannot know either direction).
                let claims = measures.probes.map { probe in (names.reduce(0.0) { $0 + CheckMath.dot(grads[$1]!, probe.v[$1]!) }, probe.slope) }
                if !claims.contains(where: { abs($0.0 - $0.1) <= slopeTolerance * abs($0.1) + slopeFloor }) {
                    throw fail("the gradients of the loss at the parameters the grader set",
                               "gradients whose derivative along a direction the grader chose is \(TrainingRun.format(claims[1].0)), where the loss's is \(TrainingRun.format(claims[1].1))",
                               "loss(X, y) must return the derivatives of the loss it computes: the network groups' gradient checks say which layer")
                }
                losses.append(here.loss)
                // Every parameter's update in one round trip; the rule's state is the judge's (the
                // arithmetic's), never what the worker returned.
                var expected: [String: Tensor] = [:]
                var nextConfigs: [String: UpdateConfig] = [:]
                let updates = try batched(modular, calls) {
                    for name in names {
                        let (w, dw) = (params[name]!, grads[name]!)
                        var config = current[name]!
                        // The judge's arithmetic, live: these answers are not recorded (a kit never gets here).
                        let answer = request.updateRule == "sgd" ? [w - config.learningRate * dw]
                            : harnessOracles!.answer(request.updateRule == "sgdMomentum" ? .sgdMomentum(w, dw, config)
                                                     : request.updateRule == "rmsprop" ? .rmsprop(w, dw, config) : .adam(w, dw, config))
                        expected[name] = answer[0]
                        switch request.updateRule {
                        case "sgdMomentum": config.velocity = answer[1]
                        case "rmsprop": config.cache = answer[1]
                        case "adam": (config.m, config.v, config.t) = (answer[1], answer[2], Int(answer[3].scalars[0]))
                        default: break
                        }
                        nextConfigs[name] = config
                    }
                }
                for (name, answer) in zip(names, updates) {
                    let (w, want) = (params[name]!, expected[name]!)
                    let next = try? answer.list("the result", count: 2)[0].tensor("next_w")
                    let scale = max(1e-12, zip(want.scalars, w.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) })
                    guard let next, next.shape == w.shape,
                          zip(next.scalars, want.scalars).allSatisfy({ abs($0 - $1) <= updateTolerance * scale + 1e-12 * abs($1) }) else {
                        throw fail("\(request.updateRule)(w, dw, config) for \(name) to return the rule's next_w",
                                   "a next_w \(next.map { $0.shape == w.shape ? "that differs from it" : "of shape \($0.shape)" } ?? "that is not a tensor")",
                                   ruleHint)
                    }
                    (params[name], configs[name]) = (next, nextConfigs[name]!)
                }
            }
            learningRate *= request.learningRateDecay
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(params: params, losses: losses, seconds: seconds, network: network)
    }

    /// Calls `calls` in order on a network or function set and returns their results. In the
    /// judge that is one round trip (a `CallPlan` of one sample), `whileWaiting` running while the
    /// worker computes; on a local object (a test's), the calls one by one.
    static func batched(_ target: Any, _ calls: [(String, [ExerciseValue])], whileWaiting: () -> Void) throws -> [ExerciseValue] {
        let callable = (target as? NetworkClient)?.object ?? (target as? ModularClient)?.functions ?? (target as? any Callable)
        guard let callable else { throw CheckFailure(expected: "the submission's network or function set", got: "\(type(of: target))", hint: "a grader fault") }
        guard let remote = callable as? any PlanEvaluating else {
            whileWaiting()
            return try calls.map { try callable.call($0.0, $0.1) }
        }
        var shared: [WireValue] = []
        var steps: [CallPlan.Step] = []
        for (method, arguments) in calls {
            steps.append(CallPlan.Step(method, arguments.indices.map { .shared(shared.count + $0) }))
            shared += try arguments.map { try WireValue($0) { _ in throw CallError("only data travels in a batched call") } }
        }
        let plan = CallPlan(steps: steps, outputs: steps.indices.map { .init(.result(step: $0, component: nil), .each) })
        let outputs = try remote.evaluate(plan, shared: shared, samples: .values([[]]), whileWaiting: whileWaiting)
        return try outputs.map { output in
            guard case .list(let each) = output, each.count == 1 else { throw CheckFailure(expected: "one result per call", got: "\(output)".prefix(80).description, hint: "a worker out of protocol") }
            do {
                return try each[0].exerciseValue { _ in throw CallError("an object where data was expected") }
            } catch let error as CallError {
                throw CheckFailure(expected: "data from the network's calls", got: error.description, hint: "keep the contracts' return types")
            }
        }
    }
}
