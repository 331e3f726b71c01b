import ExerciseKit
import Foundation

/// The assignment's `Solver`, which the original gives to students: minibatch training of a
/// network with one update rule. It runs in the worker (a `WorkerJobs` job) with the
/// submission's own network and update rules, on MNIST 14×14 training images only, and returns
/// the trained parameters and the loss history; the judge scores them with its own inference.
enum ModularSolver {
    static let jobs: [String: WorkerJobs.Job] = ["modularSolver": { registry, argument in try train(registry, Request(argument)).value }]

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

        var value: ExerciseValue {
            .list([.string(network.rawValue), .ints(hiddenDims), .ints([numFilters, filterSize, hiddenDim, epochs, batchSize, trainCount, Int(seed)]),
                   .list([.double(weightScale), .double(reg), .double(learningRate), .double(learningRateDecay)]), .string(updateRule)])
        }

        init(_ value: ExerciseValue) throws {
            let items = try value.list("a solver request", count: 5)
            guard let network = Network(rawValue: try items[0].string("the network")) else { throw CallError("unknown network") }
            let sizes = try items[2].ints("sizes"), numbers = try items[3].list("numbers", count: 4).map { try $0.double("a number") }
            guard sizes.count == 7 else { throw CallError("a solver request has 7 sizes") }
            self.network = network
            hiddenDims = try items[1].ints("hiddenDims")
            (numFilters, filterSize, hiddenDim, epochs, batchSize, trainCount) = (sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5])
            seed = UInt32(truncatingIfNeeded: sizes[6])
            (weightScale, reg, learningRate, learningRateDecay) = (numbers[0], numbers[1], numbers[2], numbers[3])
            updateRule = try items[4].string("the update rule")
        }
    }

    struct Outcome {
        var params: [String: Tensor]
        var losses: [Double]
        var seconds: Double

        var value: ExerciseValue { .list([.namedTensors(params), .tensor(Tensor(losses)), .double(seconds)]) }

        init(params: [String: Tensor], losses: [Double], seconds: Double) {
            (self.params, self.losses, self.seconds) = (params, losses, seconds)
        }

        init(_ value: ExerciseValue) throws {
            let items = try value.list("a training result", count: 3)
            (params, losses, seconds) = (try items[0].namedTensors("params"), try items[1].tensor("losses").scalars, try items[2].double("seconds"))
        }
    }

    /// The network's input for training images `indices`: rows of 196, or (N, 1, 14, 14).
    static func inputs(_ data: MNIST, _ indices: [Int], for network: Request.Network) -> (Tensor, [Int]) {
        let n = data.count
        var x = [Double](repeating: 0, count: indices.count * 196)
        for (row, sample) in indices.enumerated() { for feature in 0..<196 { x[row * 196 + feature] = data.images.scalars[feature * n + sample] } }
        let shape = network == .fullyConnectedNet ? [indices.count, 196] : [indices.count, 1, 14, 14]
        return (Tensor(shape: shape, scalars: x), indices.map { Int(data.labels.scalars[$0]) })
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

    static func train(_ registry: SubmissionRegistry, _ request: Request) throws -> Outcome {
        let modular = try ModularClient.of(registry)
        let data = try MNIST.load("train")
        let start = DispatchTime.now()
        let network = try build(modular, request)
        let order = RandomSource(seed: request.seed &+ 1)
        var configs: [String: UpdateConfig] = [:]
        var learningRate = request.learningRate
        var losses: [Double] = []
        let count = min(request.trainCount, data.count)
        for _ in 0..<request.epochs {
            let permutation = order.permutation(count)
            for batchStart in stride(from: 0, to: count, by: request.batchSize) {
                let (x, y) = inputs(data, Array(permutation[batchStart..<min(batchStart + request.batchSize, count)]), for: request.network)
                let (loss, grads) = try network.loss(x, y)
                losses.append(loss)
                var params = network.params
                for name in params.keys.sorted() {
                    guard let w = params[name], let dw = grads[name] else { continue }
                    var config = configs[name] ?? UpdateConfig(learningRate: learningRate)
                    config.learningRate = learningRate
                    let (next, updated) = switch request.updateRule {
                    case "sgdMomentum": try modular.sgdMomentum(w, dw, config)
                    case "rmsprop": try modular.rmsprop(w, dw, config)
                    case "adam": try modular.adam(w, dw, config)
                    default: try modular.sgd(w, dw, config)
                    }
                    (params[name], configs[name]) = (next, updated)
                }
                network.params = params
            }
            learningRate *= request.learningRateDecay
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Outcome(params: network.params, losses: losses, seconds: seconds)
    }
}
