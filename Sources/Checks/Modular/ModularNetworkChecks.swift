import ExerciseKit
import Foundation

/// Problems 4.3 and 4.4.5: the networks' initialisation, scores against the oracle on the
/// notebooks' `linspace` parameters, the loss (ln C at the start, the exact regularization), and
/// every parameter's gradient against central differences of the submission's own loss.
enum ModularNetworkChecks {
    static let gradientTolerance = 1e-6

    static func setParam(_ network: any ModularNetwork, _ name: String, _ value: Tensor) throws {
        if let remote = network as? NetworkClient { try remote.setParam(name, value) } else { network.params[name] = value }
    }

    static func lossValue(_ network: any ModularNetwork, _ x: Tensor, _ y: [Int]) throws -> Double {
        if let remote = network as? NetworkClient { return try remote.lossValue(x, y) }
        return try network.loss(x, y).loss
    }

    /// The parameters by name with the expected shapes, or a failure naming the difference.
    static func expectParams(_ network: any ModularNetwork, _ shapes: [String: [Int]], hint: String) throws -> [String: Tensor] {
        let params = network.params
        let got = params.mapValues(\.shape)
        try expect(got == shapes, expected: "params " + shapes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                   got: got.isEmpty ? "no params" : got.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "), hint: hint)
        return params
    }

    /// Parameters for a gradient check, drawn by the check (so every submission is checked at the
    /// same point, whatever its initialisation) and kept 3e-3 away from ReLU and pooling kinks on x
    /// (the numeric gradient moves a parameter by up to 2e-4).
    static func checkParams(_ shapes: [String: [Int]], _ x: Tensor, standardDeviation: Double, convolutional: Bool) throws -> [String: Tensor] {
        let random = RandomSource(seed: CheckEnvironment.seed &+ 101)
        var best: (params: [String: Tensor], margin: Double)?
        for _ in 0..<50 {
            var params: [String: Tensor] = [:]
            for (name, shape) in shapes.sorted(by: { $0.key < $1.key }) { params[name] = random.normal(shape: shape, standardDeviation: standardDeviation) }
            let margin = try Oracle.scalar(.kinkMargin(x, params, convolutional: convolutional))
            if margin > 3e-3 { return params }
            if margin > best?.margin ?? -1 { best = (params, margin) }
        }
        return best!.params
    }

    /// Sets `params` (checked at a point the check chose), then compares every parameter's analytic
    /// gradient with five-point central differences of the network's own loss (values under 1/1000
    /// of the largest compared at that scale).
    static func expectGradients(_ network: any ModularNetwork, _ x: Tensor, _ y: [Int], params: [String: Tensor], what: String) throws {
        _ = try expectParams(network, params.mapValues(\.shape), hint: "the network's parameters by name, as the contract lists them")
        for (name, value) in params.sorted(by: { $0.key < $1.key }) { try setParam(network, name, value) }
        let (_, grads) = try network.loss(x, y)
        try expect(Set(grads.keys) == Set(params.keys), expected: "a gradient for every parameter (\(params.keys.sorted().joined(separator: ", ")))",
                   got: "grads for \(grads.keys.sorted().joined(separator: ", "))", hint: "grads has one entry per entry of params, same names")
        for name in params.keys.sorted() {
            let original = params[name]!
            let numeric = try NumericGradient.ofScalar(original) { value in
                try setParam(network, name, value)
                return try lossValue(network, x, y)
            }
            try setParam(network, name, original)
            try ModularLayerChecks.expectRelative(grads[name]!, numeric, below: gradientTolerance, floor: 1e-3, what: "\(what): grads[\"\(name)\"]",
                                                  hint: name.hasPrefix("W") ? "include reg·W from the regularization 0.5·reg·ΣW²; check each layer's backward"
                                                                            : "the bias gradient sums the upstream gradient over the batch")
        }
    }

    static func labels(_ count: Int, classes: Int) -> [Int] { (0..<count).map { _ in RandomSource.shared.integer(below: classes) } }

    static func standardDeviation(_ t: Tensor) -> Double {
        let mean = t.mean()
        return sqrt(t.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(t.count))
    }

    // MARK: 4.3.1 TwoLayerNet

    static let (n, d, h, c) = (3, 5, 50, 7)

    static let twoLayerNet = CheckGroup(name: "twoLayerNet", checks: [
        Check("initialization", "D 5, H 50, C 7, weightScale 1e-3: W1 (5, 50), W2 (50, 7) with std ≈ 1e-3, biases zero") { registry in
            let net = try ModularClient.of(registry).twoLayerNet(inputDim: d, hiddenDim: h, numClasses: c, weightScale: 1e-3, reg: 0, seed: 1)
            let params = try expectParams(net, ["W1": [d, h], "b1": [h], "W2": [h, c], "b2": [c]], hint: "W1 (D, H), b1 (H), W2 (H, C), b2 (C)")
            for name in ["W1", "W2"] {
                let std = standardDeviation(params[name]!)
                try expect(abs(std - 1e-3) < 1e-4 * (name == "W2" ? 2 : 1), expected: "\(name)'s standard deviation ≈ 1e-3", got: "\(std)",
                           hint: "weights are weightScale · N(0, 1)")
            }
            try expect(params["b1"]!.scalars.allSatisfy { $0 == 0 } && params["b2"]!.scalars.allSatisfy { $0 == 0 },
                       expected: "zero biases", got: "nonzero biases", hint: "biases start at 0")
        },
        Check("scores", "the notebook's linspace parameters and X: scores within 1e-6 of the oracle") { registry in
            let net = try ModularClient.of(registry).twoLayerNet(inputDim: d, hiddenDim: h, numClasses: c, weightScale: 1e-3, reg: 0, seed: 1)
            let params = notebookParams()
            for (name, value) in params { try setParam(net, name, value) }
            let x = CheckMath.linspace(-5.5, 4.5, [d, n]).transposed()
            try ModularLayerChecks.expectRelative(try net.scores(x), Oracle.tensor(.fullyConnectedScores(x, params, layers: 2)), below: 1e-6,
                                                  what: "scores", hint: "affine – ReLU – affine, with the params you were given (no softmax on scores)")
        },
        Check("loss", "y = (0, 5, 1): the loss with reg 0 and reg 1 within 1e-10 of the oracle") { registry in
            let params = notebookParams()
            let x = CheckMath.linspace(-5.5, 4.5, [d, n]).transposed()
            for reg in [0.0, 1.0] {
                let net = try ModularClient.of(registry).twoLayerNet(inputDim: d, hiddenDim: h, numClasses: c, weightScale: 1e-3, reg: reg, seed: 1)
                for (name, value) in params { try setParam(net, name, value) }
                let (loss, _) = try net.loss(x, [0, 5, 1])
                let want = try Oracle.scalar(.softmaxLoss(Oracle.tensor(.fullyConnectedScores(x, params, layers: 2)), [0, 5, 1]))
                    + CheckMath.regularization(params, reg: reg)
                try expectClose(loss, want, tolerance: 1e-10, what: "the loss with reg \(reg)",
                                hint: "the mean softmax loss plus 0.5 · reg · (ΣW1² + ΣW2²), biases not regularized")
            }
        },
        Check("gradients", "N 3, reg 0 and 0.7, parameters away from ReLU kinks: every gradient within 1e-6 of numeric") { registry in
            let x = RandomSource.shared.normal(shape: [n, d])
            let y = labels(n, classes: c)
            for reg in [0.0, 0.7] {
                let net = try ModularClient.of(registry).twoLayerNet(inputDim: d, hiddenDim: h, numClasses: c, weightScale: 1e-2, reg: reg, seed: 2)
                let params = try checkParams(["W1": [d, h], "b1": [h], "W2": [h, c], "b2": [c]], x, standardDeviation: 0.3, convolutional: false)
                try expectGradients(net, x, y, params: params, what: "reg \(reg)")
            }
        },
    ])

    /// W1 = linspace(−0.7, 0.3), b1 = linspace(−0.1, 0.9), W2 = linspace(−0.3, 0.4), b2 = linspace(−0.9, 0.1).
    static func notebookParams() -> [String: Tensor] {
        ["W1": CheckMath.linspace(-0.7, 0.3, [d, h]), "b1": CheckMath.linspace(-0.1, 0.9, [h]),
         "W2": CheckMath.linspace(-0.3, 0.4, [h, c]), "b2": CheckMath.linspace(-0.9, 0.1, [c])]
    }

    // MARK: 4.3.2, 4.3.3 FullyConnectedNet

    static func fcShapes(_ sizes: [Int]) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for layer in 1..<sizes.count { (shapes["W\(layer)"], shapes["b\(layer)"]) = ([sizes[layer - 1], sizes[layer]], [sizes[layer]]) }
        return shapes
    }

    static let fullyConnectedNet = CheckGroup(name: "fullyConnectedNet", checks: [
        Check("initialLoss", "hidden (20, 30), C 10, weightScale 1e-2: the first loss is ln 10 ± 0.05; reg adds exactly 0.5·reg·ΣW²") { registry in
            let x = RandomSource.shared.normal(shape: [2, 15])
            let y = labels(2, classes: 10)
            let modular = try ModularClient.of(registry)
            let plain = try modular.fullyConnectedNet(hiddenDims: [20, 30], inputDim: 15, numClasses: 10, dropoutKeep: 1, reg: 0, weightScale: 1e-2, seed: 3)
            let params = try expectParams(plain, fcShapes([15, 20, 30, 10]), hint: "one W/b pair per layer, W1 … W3 for two hidden layers")
            let loss = try plain.loss(x, y).loss
            try expectClose(loss, log(10), tolerance: 0.05, what: "the initial loss", hint: "small weights give uniform scores: the softmax loss is ln C")
            let regularized = try modular.fullyConnectedNet(hiddenDims: [20, 30], inputDim: 15, numClasses: 10, dropoutKeep: 1, reg: 3.14,
                                                            weightScale: 1e-2, seed: 3)
            let more = try regularized.loss(x, y).loss
            try expectClose(more - loss, CheckMath.regularization(params, reg: 3.14), tolerance: 1e-9 * max(1, more),
                            what: "loss(reg 3.14) − loss(reg 0) for the same seed", hint: "add 0.5 · reg · ΣW² over every W (not the biases)")
        },
        Check("scores", "hidden (20, 30), linspace parameters: scores within 1e-6 of the oracle") { registry in
            try expectScores(registry, hiddenDims: [20, 30])
        },
        Check("deeper", "hidden (6, 5, 4, 3): five layers' parameters and scores") { registry in
            try expectScores(registry, hiddenDims: [6, 5, 4, 3])
        },
        Check("gradients", "N 2, hidden (20, 30), reg 0 and 3.14, parameters away from kinks: every gradient within 1e-6 of numeric") { registry in
            let x = RandomSource.shared.normal(shape: [2, 15])
            let y = labels(2, classes: 10)
            for reg in [0.0, 3.14] {
                let net = try ModularClient.of(registry).fullyConnectedNet(hiddenDims: [20, 30], inputDim: 15, numClasses: 10, dropoutKeep: 1,
                                                                           reg: reg, weightScale: 5e-2, seed: 4)
                let params = try checkParams(fcShapes([15, 20, 30, 10]), x, standardDeviation: 0.3, convolutional: false)
                try expectGradients(net, x, y, params: params, what: "reg \(reg)")
            }
        },
    ])

    static func expectScores(_ registry: SubmissionRegistry, hiddenDims: [Int]) throws {
        let sizes = [15] + hiddenDims + [10]
        let net = try ModularClient.of(registry).fullyConnectedNet(hiddenDims: hiddenDims, inputDim: 15, numClasses: 10, dropoutKeep: 1,
                                                                   reg: 0, weightScale: 1e-2, seed: 5)
        _ = try expectParams(net, fcShapes(sizes), hint: "W\(sizes.count - 1) is the last layer's; one hidden layer per entry of hiddenDims")
        var params: [String: Tensor] = [:]
        for (name, shape) in fcShapes(sizes) {
            params[name] = name.hasPrefix("W") ? CheckMath.linspace(-0.5, 0.4, shape) : CheckMath.linspace(-0.1, 0.2, shape)
            try setParam(net, name, params[name]!)
        }
        let x = CheckMath.linspace(-2, 3, [4, 15])
        try ModularLayerChecks.expectRelative(try net.scores(x), Oracle.tensor(.fullyConnectedScores(x, params, layers: sizes.count - 1)), below: 1e-6,
                                              what: "scores", hint: "{affine – ReLU} for each hidden layer, then a last affine (no ReLU after it)")
    }

    static let fullyConnectedNetDropout = CheckGroup(name: "fullyConnectedNetDropout", checks: [
        Check("gradients", "keep 0.75 and 0.5, seed 123: every gradient within 1e-6 of numeric (the masks are the seed's)") { registry in
            let x = RandomSource.shared.normal(shape: [2, 15])
            let y = labels(2, classes: 10)
            for keep in [0.75, 0.5] {
                let net = try ModularClient.of(registry).fullyConnectedNet(hiddenDims: [20, 30], inputDim: 15, numClasses: 10, dropoutKeep: keep,
                                                                           reg: 0, weightScale: 5e-2, seed: 123)
                let params = try checkParams(fcShapes([15, 20, 30, 10]), x, standardDeviation: 0.3, convolutional: false)
                try expectGradients(net, x, y, params: params, what: "dropoutKeep \(keep)")
            }
        },
        Check("trainAndTest", "keep 0.5: scores are test mode (no dropout); the loss is training mode (dropout applied)") { registry in
            let x = RandomSource.shared.normal(shape: [6, 15])
            let y = labels(6, classes: 10)
            let net = try ModularClient.of(registry).fullyConnectedNet(hiddenDims: [20, 30], inputDim: 15, numClasses: 10, dropoutKeep: 0.5,
                                                                       reg: 0, weightScale: 5e-1, seed: 9)
            _ = try expectParams(net, fcShapes([15, 20, 30, 10]), hint: "dropout adds no parameters")
            // Parameters the check chose (a kit's recorded answers are for these, not the network's own).
            let params = try checkParams(fcShapes([15, 20, 30, 10]), x, standardDeviation: 0.5, convolutional: false)
            for (name, value) in params.sorted(by: { $0.key < $1.key }) { try setParam(net, name, value) }
            let plain = try Oracle.tensor(.fullyConnectedScores(x, params, layers: 3))
            try ModularLayerChecks.expectRelative(try net.scores(x), plain, below: 1e-6, what: "scores with dropoutKeep 0.5",
                                                  hint: "scores(X) is test mode: dropout is the identity there")
            let trainingLoss = try net.loss(x, y).loss
            let withoutDropout = try Oracle.scalar(.softmaxLoss(plain, y))
            try expect(abs(trainingLoss - withoutDropout) > 1e-6, expected: "a training loss that differs from the loss without dropout",
                       got: "\(trainingLoss), the loss without dropout", hint: "apply dropoutForward in .train mode after each hidden ReLU in loss(X, y)")
        },
    ])

    // MARK: 4.4.5 ThreeLayerConvNet

    static func convShapes(filters: Int, size: Int, input: [Int], hidden: Int, classes: Int) -> [String: [Int]] {
        ["W1": [filters, input[0], size, size], "b1": [filters], "W2": [filters * (input[1] / 2) * (input[2] / 2), hidden], "b2": [hidden],
         "W3": [hidden, classes], "b3": [classes]]
    }

    static let threeLayerConvNet = CheckGroup(name: "threeLayerConvNet", checks: [
        Check("initialLoss", "input (1, 14, 14), 8 filters 5×5, hidden 20, weightScale 1e-3: loss ln 10 ± 0.05; reg adds 0.5·reg·ΣW²") { registry in
            let x = RandomSource.shared.normal(shape: [10, 1, 14, 14])
            let y = labels(10, classes: 10)
            let modular = try ModularClient.of(registry)
            let plain = try modular.threeLayerConvNet(inputDim: [1, 14, 14], numFilters: 8, filterSize: 5, hiddenDim: 20, numClasses: 10,
                                                      weightScale: 1e-3, reg: 0, seed: 6)
            let params = try expectParams(plain, convShapes(filters: 8, size: 5, input: [1, 14, 14], hidden: 20, classes: 10),
                                          hint: "W1 (F, C, size, size), W2 (F·H/2·W/2, hidden), W3 (hidden, C)")
            let loss = try plain.loss(x, y).loss
            try expectClose(loss, log(10), tolerance: 0.05, what: "the initial loss", hint: "small weights give uniform scores: the softmax loss is ln C")
            let regularized = try modular.threeLayerConvNet(inputDim: [1, 14, 14], numFilters: 8, filterSize: 5, hiddenDim: 20, numClasses: 10,
                                                            weightScale: 1e-3, reg: 0.5, seed: 6)
            let more = try regularized.loss(x, y).loss
            try expectClose(more - loss, CheckMath.regularization(params, reg: 0.5), tolerance: 1e-9 * max(1, more),
                            what: "loss(reg 0.5) − loss(reg 0) for the same seed", hint: "add 0.5 · reg · (ΣW1² + ΣW2² + ΣW3²)")
        },
        Check("scores", "input (3, 8, 8), 3 filters 3×3, hidden 7, 5 classes, linspace parameters: scores within 1e-6 of the oracle") { registry in
            let net = try ModularClient.of(registry).threeLayerConvNet(inputDim: [3, 8, 8], numFilters: 3, filterSize: 3, hiddenDim: 7, numClasses: 5,
                                                                       weightScale: 1e-2, reg: 0, seed: 7)
            var params: [String: Tensor] = [:]
            for (name, shape) in try expectParams(net, convShapes(filters: 3, size: 3, input: [3, 8, 8], hidden: 7, classes: 5),
                                                  hint: "conv (pad (size − 1)/2, stride 1) – ReLU – 2×2 pool – affine – ReLU – affine").mapValues(\.shape) {
                params[name] = name.hasPrefix("W") ? CheckMath.linspace(-0.3, 0.2, shape) : CheckMath.linspace(-0.1, 0.1, shape)
                try setParam(net, name, params[name]!)
            }
            let x = CheckMath.linspace(-1, 1, [2, 3, 8, 8])
            try ModularLayerChecks.expectRelative(try net.scores(x), Oracle.tensor(.convNetScores(x, params)), below: 1e-6, what: "scores",
                                                  hint: "conv with stride 1 and pad (filterSize − 1)/2 keeps H×W; the 2×2 pool halves it")
        },
        Check("gradients", "N 2, input (3, 8, 8), 3 filters 3×3, hidden 7, parameters away from kinks: every gradient within 1e-6 of numeric") { registry in
            let x = RandomSource.shared.normal(shape: [2, 3, 8, 8])
            let y = labels(2, classes: 10)
            let net = try ModularClient.of(registry).threeLayerConvNet(inputDim: [3, 8, 8], numFilters: 3, filterSize: 3, hiddenDim: 7, numClasses: 10,
                                                                       weightScale: 1e-1, reg: 0, seed: 8)
            let params = try checkParams(convShapes(filters: 3, size: 3, input: [3, 8, 8], hidden: 7, classes: 10), x, standardDeviation: 0.3, convolutional: true)
            try expectGradients(net, x, y, params: params, what: "reg 0")
        },
    ])
}
