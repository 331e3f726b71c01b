import ExerciseKit
import Foundation

/// The shallow network of the TF2 CNN assignment: the submission says which layers; the grader
/// trains them with its own implementation (`SequentialOracle`, in the judge) on 14×14 MNIST
/// (the assignment's 28×28 MNIST stand-in, as hw5's), draws the training and test accuracy per
/// epoch, and scores the test accuracy and the parameter count. Nothing of the training runs
/// next to student code. A kit has no implementation to train with: there the group says so.
enum TF2CNNShallowNetwork {
    /// The bar: the reference design's measured test accuracy less a margin (docs/DECISIONS.md).
    static var threshold: Double { CheckEnvironment.parameter("threshold", default: 0.9) }
    static let input = [14, 14, 1]
    /// Bounds that keep a training affordable: parameters and multiply-adds per image.
    static let parameterLimit = 200_000, operationLimit = 2_000_000
    static let (trainCount, epochs, batchSize, learningRate) = (8_000, 3, 50, 1e-2)

    struct Outcome {
        var parameters: Int
        var trainAccuracy: [Double]
        var testAccuracy: [Double]
        var seconds: Double
    }

    /// The judge's network for Keras layers (channels first inside; Keras's counts are the same).
    static func networkLayers(_ layers: [KerasLayer]) throws -> [NetworkLayer] {
        guard case .dense(10, .softmax)? = layers.last else {
            throw CheckFailure(expected: "a last layer dense(10, softmax)", got: describe(layers), hint: "ten classes, as the assignment's output layer")
        }
        let weighted = layers.filter { if case .maxPooling2D = $0 { false } else if case .flatten = $0 { false } else { true } }.count
        guard weighted <= 3 else {
            throw CheckFailure(expected: "a shallow network: at most 3 layers with weights (convolutions and dense, the output layer included)",
                               got: "\(weighted) in \(describe(layers))", hint: "fewer layers; the score rewards fewer parameters too")
        }
        return try layers.enumerated().flatMap { index, layer -> [NetworkLayer] in
            switch layer {
            case .conv2D(let filters, let kernel, let padding, let activation):
                guard padding == .valid || kernel % 2 == 1 else {
                    throw CheckFailure(expected: "an odd kernel with \"same\" padding", got: "\(kernel)×\(kernel) in layer \(index + 1)",
                                       hint: "Keras pads an even kernel unevenly; the grader trains odd ones with \"same\"")
                }
                guard activation != .softmax else {
                    throw CheckFailure(expected: "relu or linear on a convolution", got: "softmax in layer \(index + 1)", hint: "softmax belongs to the output layer")
                }
                return [.conv(filters: filters, size: kernel, pad: padding == .same ? kernel / 2 : 0)] + (activation == .relu ? [.relu] : [])
            case .maxPooling2D(let size): return [.maxPool(size: size)]
            case .flatten: return [.flatten]
            case .dense(let units, let activation):
                guard activation != .softmax || index == layers.count - 1 else {
                    throw CheckFailure(expected: "softmax only on the output layer", got: "softmax in layer \(index + 1)", hint: "use relu inside the network")
                }
                return [.fc(units: units)] + (activation == .relu ? [.relu] : [])
            }
        }
    }

    static func describe(_ layers: [KerasLayer]) -> String { TF2CNNChecks.describe(layers) }

    /// Images `indices` of `data` as (count, 1, 14, 14).
    static func batch(_ data: MNIST, _ indices: [Int]) -> (Tensor, [Int]) { data.batch(indices, shape: [indices.count, 1, 14, 14]) }

    nonisolated(unsafe) static var trained: [String: Outcome] = [:]

    /// Trains `layers` (Adam, the judge's seed), once per architecture and seed in a judge.
    static func train(_ layers: [KerasLayer]) throws -> Outcome {
        let key = "\(TF2CNNChecks.code(layers)) \(CheckEnvironment.seed)"
        if let done = trained[key] { return done }
        guard let oracles = harnessOracles else {
            throw CheckFailure(expected: "the grader's training of your layers", got: "a kit, which holds no implementation to train with",
                               hint: "this group is scored when you submit; the other groups' checks run here")
        }
        let network = try networkLayers(layers)
        guard let summary = try TF2CNNChecks.summary(layers, input: input) else {
            throw CheckFailure(expected: "layers that fit a 14×14×1 image", got: describe(layers), hint: "the tf2OutputShapes group's checks say where shapes go wrong")
        }
        let parameters = summary.parameters.reduce(0, +)
        // Multiply-adds per image: each convolution's outputs times its kernel's volume, each dense layer's weights.
        let operations = layers.indices.reduce(0) { total, index in
            let before = index == 0 ? input : summary.shapes[index - 1]
            switch layers[index] {
            case .conv2D(_, let kernel, _, _): return total + summary.shapes[index].reduce(1, *) * kernel * kernel * (before.last ?? 1)
            case .dense: return total + summary.parameters[index]
            default: return total
            }
        }
        guard parameters <= parameterLimit, operations <= operationLimit else {
            throw CheckFailure(expected: "a shallow network: at most \(parameterLimit) parameters and \(operationLimit) multiply-adds per image",
                               got: "\(parameters) parameters, about \(operations) multiply-adds", hint: "fewer filters or units")
        }
        let start = DispatchTime.now()
        let (train, test) = (try MNIST.load("train"), try MNIST.load("test"))
        let random = RandomSource(seed: CheckEnvironment.seed &+ 41)
        guard let shapes = try NetworkLayer.shapes(network, input: [1, 14, 14])?.params else {
            throw CheckFailure(expected: "layers that fit a 14×14×1 image", got: describe(layers), hint: "the tf2OutputShapes group's checks say where shapes go wrong")
        }
        // He-normal weights (fan-in: C·k·k, or the inputs of a dense layer), zero biases; Adam as Keras's defaults.
        let initial = shapes.enumerated().map { index, shape in
            index % 2 == 0 ? random.normal(shape: shape, standardDeviation: (2.0 / Double(shape.count == 2 ? shape[0] : shape.dropFirst().reduce(1, *))).squareRoot())
                : Tensor(zeros: shape)
        }
        var (m, v) = (initial.map { Tensor(zeros: $0.shape) }, initial.map { Tensor(zeros: $0.shape) })
        var params = initial
        var step = 0
        var trainAccuracy: [Double] = [], testAccuracy: [Double] = []
        let count = min(trainCount, train.count)
        for _ in 0..<epochs {
            let order = random.permutation(count)
            for start in stride(from: 0, to: count, by: batchSize) {
                let (x, y) = batch(train, Array(order[start..<min(start + batchSize, count)]))
                let gradients = oracles.sequentialMeasure(x, y, network, params, l2: 0).gradients
                step += 1
                let (c1, c2) = (1 - pow(0.9, Double(step)), 1 - pow(0.999, Double(step)))
                for i in params.indices {
                    let g = gradients[i]
                    m[i] = m[i].zipWith(g) { 0.9 * $0 + 0.1 * $1 }
                    v[i] = v[i].zipWith(g) { 0.999 * $0 + 0.001 * $1 * $1 }
                    let update: Tensor = m[i].zipWith(v[i]) { mi, vi in learningRate * (mi / c1) / ((vi / c2).squareRoot() + 1e-7) }
                    params[i] = params[i] - update
                }
            }
            trainAccuracy.append(accuracy(oracles, network, params, train, Array(0..<min(1_000, count))))
            testAccuracy.append(accuracy(oracles, network, params, test, Array(0..<test.count)))
        }
        let outcome = Outcome(parameters: parameters, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy,
                              seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        trained[key] = outcome
        return outcome
    }

    static func accuracy(_ oracles: any HarnessOracles, _ network: [NetworkLayer], _ params: [Tensor], _ data: MNIST, _ indices: [Int]) -> Double {
        var correct = 0.0
        for start in stride(from: 0, to: indices.count, by: 500) {
            let (x, y) = batch(data, Array(indices[start..<min(start + 500, indices.count)]))
            correct += CheckMath.accuracy(oracles.sequentialScores(x, network, params), y) * Double(y.count)
        }
        return correct / Double(indices.count)
    }

    /// Trains the submission's design and records both curves (the report draws them).
    static func outcome(_ registry: SubmissionRegistry) throws -> Outcome {
        let layers = try TF2CNNClient.of(registry).shallowNetwork()
        let outcome = try train(layers)
        CheckArtifacts.add("accuracy", shape: [2, outcome.testAccuracy.count], values: outcome.trainAccuracy + outcome.testAccuracy)
        CheckNotes.add(String(format: "%@: %d parameters, test accuracy %.4f after %d epochs (training %.4f), %.1f s", describe(layers), outcome.parameters,
                              outcome.testAccuracy.last ?? 0, outcome.testAccuracy.count, outcome.trainAccuracy.last ?? 0, outcome.seconds))
        return outcome
    }

    static func reachesTheBar(_ outcome: Outcome) throws {
        let accuracy = outcome.testAccuracy.last ?? 0
        try expect(accuracy >= threshold, expected: "test accuracy ≥ \(threshold) on the 2,000 14×14 test images",
                   got: String(format: "%.4f (%d parameters)", accuracy, outcome.parameters),
                   hint: "more filters or a hidden dense layer; the accuracy curve in grader-report/ shows whether it still climbs")
    }

    static func tier(_ limit: Int) -> Check {
        Check("under\(limit)", "reaches the bar with at most \(limit) parameters", timeoutScale: 8) { registry in
            let outcome = try outcome(registry)
            try reachesTheBar(outcome)
            try expect(outcome.parameters <= limit, expected: "at most \(limit) parameters", got: "\(outcome.parameters)",
                       hint: "fewer filters, pooling before the dense layer, or no hidden dense layer")
        }
    }

    static let group = CheckGroup(name: "tf2ShallowNetwork", checks: [
        Check("accuracy", "the grader trains your shallow network (Adam, 3 epochs of 8,000 images): test accuracy ≥ 90 %", timeoutScale: 8) { registry in
            try reachesTheBar(try outcome(registry))
        },
        tier(20_000), tier(5_000), tier(2_500),
    ])
}
