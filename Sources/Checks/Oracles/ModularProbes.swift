import ExerciseKit

/// The modular exercise's hidden differential probe: the layers, update rules and networks on
/// random sizes, strides and paddings the public checks do not use, inputs drawn from a private
/// source seeded with the rubric's seed. Every output is an artifact; the host compares them with
/// the reference's (`DifferentialOracle`). Dropout is left out: its masks are each submission's
/// own random draws (its statistics are public checks).
enum ModularProbes {
    static var cases: Int { Int(CheckEnvironment.parameter("cases", default: 8)) }
    static func name(_ index: Int) -> String { DifferentialProbes.name(index) }

    static let group = CheckGroup(name: "HiddenModular", checks: [
        Check("layers", "affine, ReLU, convolution and max pooling, forward and backward, on random shapes, strides and paddings") { registry in
            let modular = try ModularClient.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 11)
            for index in 0..<cases {
                let (n, c, f) = (1 + random.integer(below: 3), 1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let (hh, ww) = (1 + random.integer(below: 4), 1 + random.integer(below: 4))
                let (stride, pad) = (1 + random.integer(below: 3), random.integer(below: 3))
                let (h, w) = (max(1, hh - 2 * pad) + random.integer(below: 6), max(1, ww - 2 * pad) + random.integer(below: 6))
                let x = random.normal(shape: [n, c, h, w])
                // affine on the image batch as (N, C·H·W), then ReLU
                let m = 1 + random.integer(below: 6)
                let (affine, affineCache) = try modular.affineForward(x, random.normal(shape: [c * h * w, m]), random.normal(shape: [m]))
                CheckArtifacts.add(name(index) + ".affine", affine)
                let (dx, dw, db) = try modular.affineBackward(random.normal(shape: [n, m]), affineCache)
                for (key, value) in [("affine.dx", dx), ("affine.dw", dw), ("affine.db", db)] { CheckArtifacts.add(name(index) + "." + key, value) }
                let (relu, reluCache) = try modular.reluForward(x)
                CheckArtifacts.add(name(index) + ".relu", relu)
                CheckArtifacts.add(name(index) + ".relu.dx", try modular.reluBackward(random.normal(shape: x.shape), reluCache))
                // convolution
                let (conv, convCache) = try modular.convForwardNaive(x, random.normal(shape: [f, c, hh, ww]), random.normal(shape: [f]),
                                                                     ConvParameters(stride: stride, pad: pad))
                CheckArtifacts.add(name(index) + ".conv", conv)
                let (cdx, cdw, cdb) = try modular.convBackwardNaive(random.normal(shape: conv.shape), convCache)
                for (key, value) in [("conv.dx", cdx), ("conv.dw", cdw), ("conv.db", cdb)] { CheckArtifacts.add(name(index) + "." + key, value) }
                // max pooling with a window that fits
                let (ph, pw) = (1 + random.integer(below: min(3, h)), 1 + random.integer(below: min(3, w)))
                let poolStride = 1 + random.integer(below: 2)
                let (pool, poolCache) = try modular.maxPoolForwardNaive(x, PoolParameters(poolHeight: ph, poolWidth: pw, stride: poolStride))
                CheckArtifacts.add(name(index) + ".pool", pool)
                CheckArtifacts.add(name(index) + ".pool.dx", try modular.maxPoolBackwardNaive(random.normal(shape: pool.shape), poolCache))
                CheckArtifacts.add(name(index) + ".config", shape: [13],
                                   values: [n, c, h, w, f, hh, ww, stride, pad, m, ph, pw, poolStride].map(Double.init))
            }
        },
        Check("updateRules", "three steps of sgd, sgdMomentum, rmsprop and adam with random hyperparameters") { registry in
            let modular = try ModularClient.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 12)
            for rule in ["sgd", "sgdMomentum", "rmsprop", "adam"] {
                var config = UpdateConfig(learningRate: random.uniform(1e-3, 0.3))
                (config.momentum, config.decayRate) = (random.uniform(0.5, 0.95), random.uniform(0.8, 0.999))
                (config.beta1, config.beta2) = (random.uniform(0.7, 0.95), random.uniform(0.9, 0.9999))
                var w = random.normal(shape: [3, 4])
                for step in 0..<3 {
                    let dw = random.normal(shape: [3, 4])
                    (w, config) = switch rule {
                    case "sgd": try modular.sgd(w, dw, config)
                    case "sgdMomentum": try modular.sgdMomentum(w, dw, config)
                    case "rmsprop": try modular.rmsprop(w, dw, config)
                    default: try modular.adam(w, dw, config)
                    }
                    CheckArtifacts.add("\(rule).step\(step)", w)
                }
            }
        },
        Check("networks", "fully-connected nets of random depth and a small convolutional net: loss and every gradient, random parameters") { registry in
            let modular = try ModularClient.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 13)
            for index in 0..<max(1, cases / 2) {
                let hidden = (0..<(1 + random.integer(below: 3))).map { _ in 2 + random.integer(below: 8) }
                let (d, classes, n) = (2 + random.integer(below: 8), 2 + random.integer(below: 6), 1 + random.integer(below: 4))
                let reg = random.integer(below: 2) == 0 ? 0 : random.uniform(0, 2)
                let net = try modular.fullyConnectedNet(hiddenDims: hidden, inputDim: d, numClasses: classes, dropoutKeep: 1, reg: reg,
                                                        weightScale: 0.1, seed: 1)
                let sizes = [d] + hidden + [classes]
                for (key, shape) in ModularNetworkChecks.fcShapes(sizes).sorted(by: { $0.key < $1.key }) {
                    try ModularNetworkChecks.setParam(net, key, random.normal(shape: shape, standardDeviation: 0.5))
                }
                try record(net, x: random.normal(shape: [n, d]), y: (0..<n).map { _ in random.integer(below: classes) }, prefix: name(index) + ".fc")
                CheckArtifacts.add(name(index) + ".config", shape: [5 + hidden.count], values: ([d, classes, n, Int(reg * 1000)] + [hidden.count] + hidden).map(Double.init))
            }
            let conv = try modular.threeLayerConvNet(inputDim: [2, 6, 6], numFilters: 2, filterSize: 3, hiddenDim: 5, numClasses: 4,
                                                     weightScale: 0.1, reg: 0.3, seed: 1)
            for (key, shape) in ModularNetworkChecks.convShapes(filters: 2, size: 3, input: [2, 6, 6], hidden: 5, classes: 4).sorted(by: { $0.key < $1.key }) {
                try ModularNetworkChecks.setParam(conv, key, random.normal(shape: shape, standardDeviation: 0.5))
            }
            try record(conv, x: random.normal(shape: [3, 2, 6, 6]), y: [0, 3, 1], prefix: "convNet")
        },
    ])

    static func record(_ net: any ModularNetwork, x: Tensor, y: [Int], prefix: String) throws {
        CheckArtifacts.add(prefix + ".scores", try net.scores(x))
        let (loss, grads) = try net.loss(x, y)
        CheckArtifacts.add(prefix + ".loss", Tensor([loss]))
        for (key, value) in grads.sorted(by: { $0.key < $1.key }) { CheckArtifacts.add(prefix + ".grad" + key, value) }
    }
}
