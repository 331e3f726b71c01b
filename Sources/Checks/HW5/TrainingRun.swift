import ExerciseKit
import Foundation
import RemoteObjects

/// Algorithm 1 of the hw5 handout (the skeleton's `train_mlp` / `train_cnn`), run by the judge:
/// mini-batch SGD, gradients summed over the batch, w ← w − (γ/R)·∂L/∂w, γ ← λγ at every 1000th
/// iteration. The judge holds the parameters, the schedule, the mini-batch order and the loss
/// curve; the worker only evaluates the student's functions, one plan (`CallPlan`) per iteration:
/// every sample's forward and backward pass, summed. Each answer is verified before it is used
/// (`TrainingVerifier`): the loss against the judge's own, the summed gradient along a direction
/// the student cannot know. So the trained weights are the student's functions' work or nothing.
/// A student's kit has no verifier (`harnessOracles` is nil): there the loop trusts the answers,
/// which only the student's own checks read.
struct TrainingRun {
    enum Model: String { case mlp, cnn }

    let model: Model
    var iterations = 10_000
    var learningRate = 0.1
    var decay = 0.9
    var batchSize = 32
    /// Accept a CNN whose `conv` is a true convolution (the kernel flipped) as well.
    var acceptConvolution = true

    struct Outcome {
        var parameters: [(name: String, tensor: Tensor)]
        /// The loss of every iteration: the judge's own, of the parameters it held.
        var losses: [Double]
        var seconds: Double
        var flippedKernel = false
    }

    /// A sample's loss above this (a predicted probability below e⁻¹⁵) is where a student's
    /// log(p + ε) reports less than the true loss; the batch's loss is compared only below it.
    static let comparableSampleLoss = 15.0
    static let lossTolerance = 1e-2
    static let slopeTolerance = 1e-4

    /// The handout's per-sample forward and backward pass as a plan on the functional object.
    /// Shared values: the four parameters. Per sample: the 196×1 image and the 10×1 one-hot label.
    /// Outputs: the loss, then the four parameters' gradients, summed over the batch.
    static func plan(_ model: Model) -> CallPlan {
        typealias S = CallPlan.Step
        switch model {
        case .mlp:
            return CallPlan(steps: [
                S("fc", [.sample(0), .shared(0), .shared(1)], shape: [30, 1]),                              // 0 h1
                S("relu", [.result(step: 0, component: nil)], shape: [30, 1]),                               // 1 h2
                S("fc", [.result(step: 1, component: nil), .shared(2), .shared(3)], shape: [10, 1]),        // 2 h3
                S("lossCrossEntropySoftmax", [.result(step: 2, component: nil), .sample(1)]),                 // 3 (l, dl/dh3)
                S("fcBackward", [.result(step: 3, component: 1), .result(step: 1, component: nil), .shared(2), .shared(3)]),  // 4
                S("reluBackward", [.result(step: 4, component: 0), .result(step: 0, component: nil)], shape: [30, 1]),       // 5
                S("fcBackward", [.result(step: 5, component: nil), .sample(0), .shared(0), .shared(1)]),    // 6
            ], outputs: [.init(.result(step: 3, component: 0)), .init(.result(step: 6, component: 1)), .init(.result(step: 6, component: 2)),
                         .init(.result(step: 4, component: 1)), .init(.result(step: 4, component: 2))])
        case .cnn:
            return CallPlan(steps: [
                .reshape(.sample(0), [14, 14, 1]),                                                            // 0 image
                S("conv", [.result(step: 0, component: nil), .shared(0), .shared(1)], shape: [14, 14, 3]),  // 1 h1
                S("relu", [.result(step: 1, component: nil)], shape: [14, 14, 3]),                           // 2 h2
                S("pool2x2", [.result(step: 2, component: nil)], shape: [7, 7, 3]),                          // 3 h3
                .reshape(.result(step: 3, component: nil), [147, 1]),                                         // 4 h4
                S("fc", [.result(step: 4, component: nil), .shared(2), .shared(3)], shape: [10, 1]),        // 5 h5
                S("lossCrossEntropySoftmax", [.result(step: 5, component: nil), .sample(1)]),                 // 6
                S("fcBackward", [.result(step: 6, component: 1), .result(step: 4, component: nil), .shared(2), .shared(3)]),  // 7
                .reshape(.result(step: 7, component: 0), [7, 7, 3]),                                          // 8
                S("pool2x2Backward", [.result(step: 8, component: nil), .result(step: 2, component: nil)], shape: [14, 14, 3]),  // 9
                S("reluBackward", [.result(step: 9, component: nil), .result(step: 1, component: nil)], shape: [14, 14, 3]),     // 10
                S("convBackward", [.result(step: 10, component: nil), .result(step: 0, component: nil), .shared(0), .shared(1)]),  // 11
            ], outputs: [.init(.result(step: 6, component: 0)), .init(.result(step: 11, component: 0)), .init(.result(step: 11, component: 1)),
                         .init(.result(step: 7, component: 1)), .init(.result(step: 7, component: 2))])
        }
    }

    /// Trains on `data` with the functions of `evaluator` (the worker's functional object).
    func run(_ evaluator: any PlanEvaluating, on data: MNIST) throws -> Outcome {
        let start = DispatchTime.now()
        let random = RandomSource.shared
        var parameters = initialParameters()
        let shapes = parameters.map(\.tensor.shape)
        // Mini-batches of a permutation the judge draws, made once and cycled (the handout's order).
        let order = random.permutation(data.count)
        let batchCount = max(1, (data.count + batchSize - 1) / batchSize)
        func batch(_ k: Int) -> ArraySlice<Int> { order[(k * batchSize)..<min(data.count, (k + 1) * batchSize)] }
        // The training set crosses once; each mini-batch names its samples.
        let store = try evaluator.store((0..<data.count).map { index in
            var target = Tensor(zeros: [10, 1])
            target.scalars[Int(data.labels.scalars[index])] = 1
            return [.tensor(data.column(index)), .tensor(target)]
        })
        // Directions for the gradient check, drawn once by the judge; one (and a sign) per iteration.
        let directions: [[Tensor]] = (0..<8).map { _ in
            shapes.enumerated().map { index, shape in
                model == .cnn && index == 1 ? Tensor(zeros: shape) : random.normal(shape: shape)
            }
        }
        let verifier = harnessOracles?.trainingVerifier(model, data)
        let plan = Self.plan(model)
        var losses: [Double] = []
        losses.reserveCapacity(iterations)
        var flipped: Bool?  // the CNN's kernel orientation, read from the first iteration
        var rate = learningRate
        func fail(_ failure: CheckFailure) -> CheckFailure {
            CheckArtifacts.add("loss", shape: [losses.count], values: losses)
            return failure
        }
        for iteration in 0..<iterations {
            if (iteration + 1) % 1000 == 0 { rate *= decay }
            let indices = batch(iteration % batchCount)
            let current = parameters.map(\.tensor)
            let sign = random.uniform() < 0.5 ? -1.0 : 1.0
            let direction = directions[random.integer(below: directions.count)].map { $0 * sign }
            var measures: [Bool: TrainingMeasure] = [:]
            let reply: [WireValue]
            do {
                reply = try evaluator.evaluate(plan, shared: current.map(WireValue.tensor), samples: .stored(store: store, indices: Array(indices))) {
                    // The judge's own measure, computed while the worker computes the student's.
                    guard let verifier else { return }
                    for orientation in flipped.map({ [$0] }) ?? (acceptConvolution && model == .cnn ? [false, true] : [false]) {
                        measures[orientation] = verifier(indices, orientation ? Self.flippingKernel(current) : current,
                                                         orientation ? Self.flippingKernel(direction) : direction)
                    }
                }
            } catch let thrown as ThrownError {
                throw fail(CheckFailure(expected: "your functions to run on training mini-batch \(iteration + 1)", got: thrown.message,
                                        hint: "run the function groups' checks: they pin the exact shapes and types"))
            }
            let gradients = try Self.read(reply, shapes: shapes, names: parameters.map(\.name), iteration: iteration)
            let reported = gradients.loss / Double(indices.count)
            guard reported.isFinite else {
                throw fail(CheckFailure(expected: "a finite training loss", got: "your loss became \(reported) at iteration \(iteration + 1)",
                                        hint: "NaN or inf: softmax overflow (subtract the maximum before exp), or a gradient of the wrong sign that makes the weights diverge"))
            }
            if let bad = gradients.tensors.firstIndex(where: \.hasNonFinite) {
                throw fail(CheckFailure(expected: "finite gradients", got: "NaN or inf in the gradient of \(parameters[bad].name) at iteration \(iteration + 1)",
                                        hint: "the weights diverged: check the gradients' signs"))
            }
            if verifier == nil {
                losses.append(reported)
            } else {
                var slope = 0.0
                for index in gradients.tensors.indices { slope += CheckMath.dot(gradients.tensors[index], direction[index]) }
                slope /= Double(indices.count)
                // The orientation whose loss and gradient the student's functions computed (correlation
                // first), read at the first iteration and kept; a mismatch says which half was wrong.
                let candidates = flipped.map { [$0] } ?? measures.keys.sorted { !$0 && $1 }
                let orientation = candidates.first { Self.agrees(reported, measures[$0]!) && Self.slopeAgrees(slope, measures[$0]!) } ?? candidates[0]
                let measure = measures[orientation]!
                if !Self.agrees(reported, measure) {
                    throw fail(CheckFailure(expected: "the loss of the weights the grader sent: \(Self.format(measure.loss)) on mini-batch \(iteration + 1)",
                                            got: "\(Self.format(reported)) from your functions",
                                            hint: "lossCrossEntropySoftmax must compute the loss of its input, and the forward functions (fc, relu\(model == .cnn ? ", conv, pool2x2" : "")) must use the weights they are given: run their groups' checks"))
                }
                guard Self.slopeAgrees(slope, measure) else {
                    throw fail(CheckFailure(expected: "the gradient of the loss at the weights the grader sent (iteration \(iteration + 1))",
                                            got: "a summed gradient whose derivative along a direction the grader chose is \(Self.format(slope)), where the loss's is \(Self.format(measure.slope))",
                                            hint: "the backward functions (fcBackward, reluBackward\(model == .cnn ? ", pool2x2Backward, convBackward" : "")) must return the derivatives of the forward functions at the inputs they are given: run their groups' checks"))
                }
                flipped = orientation
                losses.append(measure.loss)
            }
            let step = rate / Double(indices.count)
            for index in parameters.indices {
                gradients.tensors[index].scalars.withUnsafeBufferPointer { g in
                    parameters[index].tensor.scalars.withUnsafeMutableBufferPointer { w in
                        for j in w.indices { w[j] -= step * g[j] }
                    }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(parameters: parameters, losses: losses, seconds: seconds, flippedKernel: flipped == true)
    }

    /// The first half of `plan(model)`: every sample's 10 class scores from the student's functions.
    static func scoresPlan(_ model: Model) -> CallPlan {
        let last = model == .mlp ? 2 : 5
        return CallPlan(steps: Array(plan(model).steps[0...last]), outputs: [.init(.result(step: last, component: nil), .each)])
    }

    /// The class the student's functions predict at parameters `p` for every sample of `data`
    /// (a kit's inference: the grader's own never runs student code).
    static func studentPredictions(_ evaluator: any PlanEvaluating, _ model: Model, _ p: [Tensor], on data: MNIST) throws -> [Int] {
        let store = try evaluator.store((0..<data.count).map { [.tensor(data.column($0))] })
        var predictions: [Int] = []
        for start in stride(from: 0, to: data.count, by: 250) {
            let indices = Array(start..<min(data.count, start + 250))
            let reply = try evaluator.evaluate(scoresPlan(model), shared: p.map(WireValue.tensor), samples: .stored(store: store, indices: indices)) {}
            guard reply.count == 1, case .list(let scores) = reply[0], scores.count == indices.count else {
                throw CheckFailure(expected: "class scores for \(indices.count) test images", got: "\(reply)".prefix(120).description,
                                   hint: "fc returns an n×1 column: keep the contracts' types")
            }
            for score in scores {
                guard case .tensor(let s) = score, s.count == 10 else {
                    throw CheckFailure(expected: "10 class scores per image", got: "\(score)".prefix(120).description, hint: "the last fc returns 10×1")
                }
                predictions.append(s.argmax())
            }
        }
        return predictions
    }

    /// The reply's loss sum and gradient sums, of the parameters' shapes.
    static func read(_ reply: [WireValue], shapes: [[Int]], names: [String], iteration: Int) throws -> (loss: Double, tensors: [Tensor]) {
        guard reply.count == shapes.count + 1, case .double(let loss) = reply[0] else {
            throw CheckFailure(expected: "a loss and \(shapes.count) gradients from mini-batch \(iteration + 1)", got: "\(reply.count) values of other types",
                               hint: "lossCrossEntropySoftmax returns (loss, dlDx) and the backward functions their gradients: keep the contracts' types")
        }
        var tensors: [Tensor] = []
        for (index, shape) in shapes.enumerated() {
            guard case .tensor(let sum) = reply[index + 1], sum.count == Tensor.elementCount(shape) else {
                throw CheckFailure(expected: "the gradient of \(names[index]) of shape \(shape)", got: "\(reply[index + 1])".prefix(120).description,
                                   hint: "run the backward functions' groups: they pin the exact shapes")
            }
            tensors.append(sum.reshaped(shape))
        }
        return (loss, tensors)
    }

    static func agrees(_ reported: Double, _ measure: TrainingMeasure) -> Bool {
        lossAgrees(reported, loss: measure.loss, largestSampleLoss: measure.largestSampleLoss)
    }

    /// A reported mini-batch loss against the judge's (the modular solver's check too).
    static func lossAgrees(_ reported: Double, loss: Double, largestSampleLoss: Double) -> Bool {
        largestSampleLoss > comparableSampleLoss || abs(reported - loss) <= lossTolerance * max(1, abs(loss))
    }

    static func slopeAgrees(_ slope: Double, _ measure: TrainingMeasure) -> Bool {
        abs(slope - measure.slope) <= slopeTolerance * abs(measure.slope) + 1e-9
    }

    static func flippingKernel(_ p: [Tensor]) -> [Tensor] {
        var result = p
        result[0] = CheckMath.flipped(p[0])
        return result
    }

    static func format(_ x: Double) -> String { String(format: "%.6g", x) }

    /// The skeleton's initialisation: MLP N(0,1) weights, CNN 0.1·N(0,1); zero biases.
    func initialParameters() -> [(name: String, tensor: Tensor)] {
        let random = RandomSource.shared
        switch model {
        case .mlp:
            return [("w1", random.normal(shape: [30, 196])), ("b1", Tensor(zeros: [30, 1])),
                    ("w2", random.normal(shape: [10, 30])), ("b2", Tensor(zeros: [10, 1]))]
        case .cnn:
            return [("w_conv", random.normal(shape: [3, 3, 1, 3], standardDeviation: 0.1)), ("b_conv", Tensor(zeros: [3, 1])),
                    ("w_fc", random.normal(shape: [10, 147], standardDeviation: 0.1)), ("b_fc", Tensor(zeros: [10, 1]))]
        }
    }
}
