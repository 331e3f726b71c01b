import ExerciseKit

/// Probes for hidden differential tests: each runs a submission's code on inputs drawn from a
/// private source seeded with the rubric's seed (so the submission's own random draws cannot
/// shift them) and returns every output as an artifact. The host runs the same probe on the
/// reference and compares (`Batch/DifferentialOracle.swift`). Asymmetric kernels, other shapes,
/// strides and kernel sizes than the public tests. Parameter `cases` (default 8).
///
/// Artifacts: `caseNN` outputs and `caseNN.config` numbers describing the case (labelled by the
/// host, `DifferentialOracle.caseLabels`). An output may come with alternatives, `<output>~<name>`:
/// the same output under another convention. The host reads them from the reference's run only,
/// and decides which it accepts (another "same" padding for even kernels, a flipped hw5 kernel)
/// and which it names as a likely mistake (a flipped exercise-2 kernel).
enum DifferentialProbes {
    static var cases: Int { Int(CheckEnvironment.parameter("cases", default: 8)) }

    static func rotated(_ w: Tensor, spatialAxes: Int) -> Tensor {
        var result = w
        let spatial = Array(w.shape.suffix(spatialAxes))
        let plane = Tensor.elementCount(spatial)
        for block in 0..<(w.count / plane) {
            for i in 0..<plane { result.scalars[block * plane + i] = w.scalars[block * plane + plane - 1 - i] }
        }
        return result
    }

    static func name(_ index: Int) -> String { index < 10 ? "case0\(index)" : "case\(index)" }

    /// "Same" padding is ambiguous for an even kernel size m: scipy's correlate pads m/2 before,
    /// ⌊(m−1)/2⌋ before is equally valid. A kernel embedded in one more zero row (column) is odd,
    /// hence unambiguous: zeros after it give scipy's outputs, zeros before it the other ones.
    enum EvenPadding: String, CaseIterable {
        case scipyPadding, floorPadding

        func embedded(_ w: Tensor, spatialAxes: Int) -> Tensor {
            let sizes = Array(w.shape.suffix(spatialAxes))
            let grown = sizes.map { $0 % 2 == 0 ? $0 + 1 : $0 }
            let (plane, grownPlane) = (Tensor.elementCount(sizes), Tensor.elementCount(grown))
            var result = Tensor(shape: Array(w.shape.dropLast(spatialAxes)) + grown, scalars: [Double](repeating: 0, count: w.count / plane * grownPlane))
            forEachPosition(sizes) { position, flat in
                let target = grownOffset(position, sizes: sizes, grown: grown)
                for block in 0..<(w.count / plane) { result.scalars[block * grownPlane + target] = w.scalars[block * plane + flat] }
            }
            return result
        }

        /// The gradient of the original kernel's positions, read back out of the embedded one's.
        func restricted(_ grownTensor: Tensor, to sizes: [Int]) -> Tensor {
            let grown = Array(grownTensor.shape.suffix(sizes.count))
            let (plane, grownPlane) = (Tensor.elementCount(sizes), Tensor.elementCount(grown))
            var result = Tensor(shape: Array(grownTensor.shape.dropLast(sizes.count)) + sizes, scalars: [Double](repeating: 0, count: grownTensor.count / grownPlane * plane))
            forEachPosition(sizes) { position, flat in
                let source = grownOffset(position, sizes: sizes, grown: grown)
                for block in 0..<(grownTensor.count / grownPlane) { result.scalars[block * plane + flat] = grownTensor.scalars[block * grownPlane + source] }
            }
            return result
        }

        /// Where a position of the original kernel sits in the grown one: shifted by the zero row
        /// or column added before it, on even axes, for the floor convention.
        private func grownOffset(_ position: [Int], sizes: [Int], grown: [Int]) -> Int {
            zip(zip(position, sizes), grown).reduce(0) { index, pair in
                let ((p, size), width) = pair
                return index * width + p + (size % 2 == 0 && self == .floorPadding ? 1 : 0)
            }
        }

        private func forEachPosition(_ sizes: [Int], _ body: ([Int], Int) -> Void) {
            for flat in 0..<Tensor.elementCount(sizes) {
                var rest = flat, position = [Int](repeating: 0, count: sizes.count)
                for axis in sizes.indices.reversed() { position[axis] = rest % sizes[axis]; rest /= sizes[axis] }
                body(position, flat)
            }
        }
    }

    static let conv = CheckGroup(name: "HiddenConv", checks: [
        Check("forward", "Conv forward on random 1-D and 2-D shapes, strides and asymmetric kernels") { registry in
            let make = try require(registry.conv, "Conv")
            let random = RandomSource(seed: CheckEnvironment.seed)
            for index in 0..<cases {
                let oneD = index % 4 == 3
                let (batch, channels, kernels) = (1 + random.integer(below: 2), 1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let (kh, kw) = (1 + random.integer(below: 5), oneD ? 1 : 1 + random.integer(below: 5))
                let (height, width) = (kh + random.integer(below: 6), oneD ? 1 : kw + random.integer(below: 6))
                let (sy, sx) = (1 + random.integer(below: 3), oneD ? 1 : 1 + random.integer(below: 3))
                let kernel = oneD ? [channels, kh] : [channels, kh, kw]
                let layer = make(oneD ? [sy] : [sy, sx], kernel, kernels)
                let weights = random.normal(shape: [kernels] + kernel)
                layer.weights = weights
                layer.bias = random.normal(shape: [kernels])
                let input = random.normal(shape: oneD ? [batch, channels, height] : [batch, channels, height, width])
                CheckArtifacts.add(name(index), try layer.forward(input))
                layer.weights = rotated(weights, spatialAxes: oneD ? 1 : 2)
                CheckArtifacts.add(name(index) + "~flippedKernel", try layer.forward(input))
                if kh % 2 == 0 || kw % 2 == 0 {
                    for padding in EvenPadding.allCases {
                        let grown = padding.embedded(weights, spatialAxes: oneD ? 1 : 2)
                        let odd = make(oneD ? [sy] : [sy, sx], Array(grown.shape.dropFirst()), kernels)
                        odd.weights = grown
                        odd.bias = layer.bias
                        CheckArtifacts.add(name(index) + "~" + padding.rawValue, try odd.forward(input))
                    }
                }
                CheckArtifacts.add(name(index) + ".config", shape: [9], values: [batch, channels, height, width, kernels, kh, kw, sy, sx].map(Double.init))
            }
        },
        Check("backward", "Conv backward (input error, weight and bias gradients) on random cases") { registry in
            let make = try require(registry.conv, "Conv")
            let random = RandomSource(seed: CheckEnvironment.seed &+ 1)
            for index in 0..<cases {
                let (batch, channels, kernels) = (1 + random.integer(below: 2), 1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let (kh, kw) = (1 + random.integer(below: 5), 1 + random.integer(below: 5))
                let (height, width) = (kh + random.integer(below: 6), kw + random.integer(below: 6))
                let (sy, sx) = (1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let layer = make([sy, sx], [channels, kh, kw], kernels)
                let weights = random.normal(shape: [kernels, channels, kh, kw])
                layer.weights = weights
                layer.bias = random.normal(shape: [kernels])
                let input = random.normal(shape: [batch, channels, height, width])
                let output = try layer.forward(input)
                let error = random.normal(shape: output.shape)
                let inputError = try layer.backward(error)
                CheckArtifacts.add(name(index) + ".inputError", inputError)
                CheckArtifacts.add(name(index) + ".gradientWeights", layer.gradientWeights)
                CheckArtifacts.add(name(index) + ".gradientBias", layer.gradientBias)
                if kh % 2 == 0 || kw % 2 == 0 {
                    for padding in EvenPadding.allCases {
                        let grown = padding.embedded(weights, spatialAxes: 2)
                        let odd = make([sy, sx], Array(grown.shape.dropFirst()), kernels)
                        odd.weights = grown
                        odd.bias = layer.bias
                        _ = try odd.forward(input)
                        CheckArtifacts.add(name(index) + ".inputError~" + padding.rawValue, try odd.backward(error))
                        CheckArtifacts.add(name(index) + ".gradientWeights~" + padding.rawValue, padding.restricted(odd.gradientWeights, to: [kh, kw]))
                    }
                }
                CheckArtifacts.add(name(index) + ".config", shape: [9], values: [batch, channels, height, width, kernels, kh, kw, sy, sx].map(Double.init))
            }
        },
    ])

    static let pooling = CheckGroup(name: "HiddenPooling", checks: [
        Check("forwardBackward", "Pooling forward and backward on random shapes, strides and windows") { registry in
            let make = try require(registry.pooling, "Pooling")
            let random = RandomSource(seed: CheckEnvironment.seed &+ 2)
            for index in 0..<cases {
                let (py, px) = (1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let (sy, sx) = (1 + random.integer(below: 3), 1 + random.integer(below: 3))
                let shape = [1 + random.integer(below: 2), 1 + random.integer(below: 3), py + random.integer(below: 6), px + random.integer(below: 6)]
                let layer = make([sy, sx], [py, px])
                let output = try layer.forward(random.normal(shape: shape))
                CheckArtifacts.add(name(index), output)
                CheckArtifacts.add(name(index) + ".inputError", try layer.backward(random.normal(shape: output.shape)))
                CheckArtifacts.add(name(index) + ".config", shape: [8], values: (shape + [py, px, sy, sx]).map(Double.init))
            }
        },
    ])

    static let optimizers = CheckGroup(name: "HiddenOptimizers", smallInputs: true, checks: [
        Check("sequences", "five steps of Sgd, SgdWithMomentum and Adam with random hyperparameters on vectors") { registry in
            let random = RandomSource(seed: CheckEnvironment.seed &+ 3)
            let (rate, momentum, rho) = (random.uniform(0.001, 0.5), random.uniform(0.5, 0.95), random.uniform(0.9, 0.999))
            let optimizers: [(String, any Optimizer)] = [
                ("sgd", try require(registry.sgd, "Sgd")(rate)),
                ("momentum", try require(registry.sgdWithMomentum, "SgdWithMomentum")(rate, momentum)),
                ("adam", try require(registry.adam, "Adam")(rate, momentum, rho)),
            ]
            for (label, optimizer) in optimizers {
                var weights = random.normal(shape: [7])
                for step in 0..<5 {
                    weights = try optimizer.calculateUpdate(weightTensor: weights, gradientTensor: random.normal(shape: [7]))
                    CheckArtifacts.add("\(label).step\(step)", weights)
                }
            }
        },
    ])

    static let functional = CheckGroup(name: "HiddenFunctional", checks: [
        Check("convolutions", "hw5 conv and convBackward on random sizes and asymmetric kernels") { registry in
            let f = try require(registry.functional, "Functional")
            let random = RandomSource(seed: CheckEnvironment.seed &+ 4)
            for index in 0..<cases {
                let (c1, c2, k) = (1 + random.integer(below: 3), 1 + random.integer(below: 3), [1, 3, 5][random.integer(below: 3)])
                let (height, width) = (k + random.integer(below: 6), k + random.integer(below: 6))
                let (x, w, b) = (random.normal(shape: [height, width, c1]), random.normal(shape: [k, k, c1, c2]), random.normal(shape: [c2, 1]))
                CheckArtifacts.add(name(index), try f.conv(x: x, wConv: w, bConv: b))
                var flipped = w
                for u in 0..<k { for v in 0..<k { for i in 0..<c1 { for o in 0..<c2 {
                    flipped[u, v, i, o] = w[k - 1 - u, k - 1 - v, i, o]
                } } } }
                CheckArtifacts.add(name(index) + "~flippedKernel", try f.conv(x: x, wConv: flipped, bConv: b))
                let (dlDw, dlDb) = try f.convBackward(dlDy: random.normal(shape: [height, width, c2]), x: x, wConv: w, bConv: b)
                CheckArtifacts.add(name(index) + ".dlDw", dlDw)
                // A convolution's dL/dw is the correlation's, flipped: what a consistent flipped conv returns.
                var flippedGradient = dlDw
                for u in 0..<k { for v in 0..<k { for i in 0..<c1 { for o in 0..<c2 {
                    flippedGradient[u, v, i, o] = dlDw[k - 1 - u, k - 1 - v, i, o]
                } } } }
                CheckArtifacts.add(name(index) + ".dlDw~flippedKernel", flippedGradient)
                CheckArtifacts.add(name(index) + ".dlDb", dlDb)
                CheckArtifacts.add(name(index) + ".config", shape: [5], values: [height, width, c1, c2, k].map(Double.init))
            }
        },
        Check("layers", "hw5 fc, lossCrossEntropySoftmax, relu and pool2x2 with their backwards on random sizes") { registry in
            let f = try require(registry.functional, "Functional")
            let random = RandomSource(seed: CheckEnvironment.seed &+ 9)
            for index in 0..<cases {
                // Sizes in turn, not a random few: inputs 1…8 (every remainder of 4, SIMD loops'
                // tails), each with four output sizes of both parities (an overrun of a row's
                // tail reaches the allocator's bookkeeping only for some sizes).
                let (m, n) = (1 + index % 8, 2 + (index / 8 + index) % 8)
                let (x, w, b) = (random.normal(shape: [m, 1]), random.normal(shape: [n, m]), random.normal(shape: [n, 1]))
                CheckArtifacts.add(name(index) + ".fc", try f.fc(x: x, w: w, b: b))
                let (dlDx, dlDw, dlDb) = try f.fcBackward(dlDy: random.normal(shape: [n, 1]), x: x, w: w, b: b)
                CheckArtifacts.add(name(index) + ".fcBackward.dlDx", dlDx)
                CheckArtifacts.add(name(index) + ".fcBackward.dlDw", dlDw)
                CheckArtifacts.add(name(index) + ".fcBackward.dlDb", dlDb)
                var label = Tensor(zeros: [n, 1])
                label[random.integer(below: n), 0] = 1
                let (loss, dlDLogits) = try f.lossCrossEntropySoftmax(x: random.normal(shape: [n, 1]) * 3, y: label)
                CheckArtifacts.add(name(index) + ".loss", shape: [1], values: [loss])
                CheckArtifacts.add(name(index) + ".loss.dlDx", dlDLogits)
                let image = random.normal(shape: [2 * (1 + random.integer(below: 4)), 2 * (1 + random.integer(below: 4)), 1 + random.integer(below: 3)])
                CheckArtifacts.add(name(index) + ".relu", try f.relu(image))
                CheckArtifacts.add(name(index) + ".reluBackward", try f.reluBackward(dlDy: random.normal(shape: image.shape), x: image))
                let pooled = try f.pool2x2(image)
                CheckArtifacts.add(name(index) + ".pool2x2", pooled)
                CheckArtifacts.add(name(index) + ".pool2x2Backward", try f.pool2x2Backward(dlDy: random.normal(shape: pooled.shape), x: image))
            }
        },
    ])

    /// The other layers of exercise 2, which the public tests check on one or two fixed shapes.
    static let layers = CheckGroup(name: "HiddenLayers", checks: [
        Check("fullyConnected", "FullyConnected forward, backward and weight gradient on random sizes") { registry in
            let make = try require(registry.fullyConnected, "FullyConnected")
            let random = RandomSource(seed: CheckEnvironment.seed &+ 5)
            for index in 0..<cases {
                let (batch, inputs, outputs) = (1 + random.integer(below: 4), 1 + random.integer(below: 6), 1 + random.integer(below: 6))
                let layer = make(inputs, outputs)
                layer.weights = random.normal(shape: [inputs + 1, outputs])
                CheckArtifacts.add(name(index), try layer.forward(random.normal(shape: [batch, inputs])))
                CheckArtifacts.add(name(index) + ".inputError", try layer.backward(random.normal(shape: [batch, outputs])))
                CheckArtifacts.add(name(index) + ".gradientWeights", layer.gradientWeights)
            }
        },
        Check("activations", "ReLU and SoftMax forward and backward on random batches") { registry in
            let (relu, softMax) = (try require(registry.reLU, "ReLU"), try require(registry.softMax, "SoftMax"))
            let random = RandomSource(seed: CheckEnvironment.seed &+ 6)
            for index in 0..<cases {
                let shape = [1 + random.integer(below: 4), 2 + random.integer(below: 6)]
                let (r, s) = (relu(), softMax())
                CheckArtifacts.add(name(index) + ".relu", try r.forward(random.normal(shape: shape)))
                CheckArtifacts.add(name(index) + ".reluBackward", try r.backward(random.normal(shape: shape)))
                CheckArtifacts.add(name(index) + ".softMax", try s.forward(random.normal(shape: shape) * 3))
                CheckArtifacts.add(name(index) + ".softMaxBackward", try s.backward(random.normal(shape: shape)))
            }
        },
        Check("flattenAndLoss", "Flatten on random 4-D shapes; CrossEntropyLoss on random predictions") { registry in
            let (flatten, loss) = (try require(registry.flatten, "Flatten"), try require(registry.crossEntropyLoss, "CrossEntropyLoss"))
            let random = RandomSource(seed: CheckEnvironment.seed &+ 7)
            for index in 0..<cases {
                let layer = flatten()
                let shape = (0..<4).map { _ in 1 + random.integer(below: 4) }
                let flat = try layer.forward(random.normal(shape: shape))
                CheckArtifacts.add(name(index) + ".flatten", flat)
                CheckArtifacts.add(name(index) + ".flattenBackward", try layer.backward(random.normal(shape: flat.shape)))
                let (batch, classes) = (1 + random.integer(below: 4), 2 + random.integer(below: 5))
                var prediction = random.uniform(shape: [batch, classes]) + 0.01
                var label = Tensor(zeros: [batch, classes])
                for row in 0..<batch {
                    let sum = (0..<classes).reduce(0.0) { $0 + prediction[row, $1] }
                    for column in 0..<classes { prediction[row, column] /= sum }
                    label[row, random.integer(below: classes)] = 1
                }
                let lossLayer = loss()
                CheckArtifacts.add(name(index) + ".loss", shape: [1], values: [try lossLayer.forward(predictionTensor: prediction, labelTensor: label)])
                CheckArtifacts.add(name(index) + ".lossBackward", try lossLayer.backward(labelTensor: label))
            }
        },
    ])

    /// Initializers on layers whose fan-in and fan-out differ (the public test's layer is square).
    /// Random draws differ between any two correct solutions, so the probe records statistics
    /// (`.statistic`: the standard deviation and the mean absolute value of 20,000 draws), which
    /// the host compares with a statistical tolerance; shapes and Constant's values are exact.
    static let initializers = CheckGroup(name: "HiddenInitializers", checks: [
        Check("fans", "Constant, UniformRandom, Xavier and He on layers with fanIn ≠ fanOut") { registry in
            let random = RandomSource(seed: CheckEnvironment.seed &+ 8)
            let value = random.uniform(-1, 1)
            let constant = try require(registry.constant, "Constant")(value)
            CheckArtifacts.add("constant", try constant.initialize(weightsShape: [3, 5], fanIn: 5, fanOut: 3))
            let makers: [(String, any Initializer)] = [
                ("uniform", try require(registry.uniformRandom, "UniformRandom")()),
                ("xavier", try require(registry.xavier, "Xavier")()),
                ("he", try require(registry.he, "He")()),
            ]
            for (label, initializer) in makers {
                for (fanIn, fanOut) in [(50, 400), (400, 50)] {
                    let weights = try initializer.initialize(weightsShape: [fanOut, fanIn], fanIn: fanIn, fanOut: fanOut)
                    CheckArtifacts.add("\(label).\(fanIn)x\(fanOut).shape", shape: [weights.shape.count], values: weights.shape.map(Double.init))
                    let count = Double(weights.count)
                    let meanAbs = weights.scalars.reduce(0) { $0 + abs($1) } / count
                    let spread = (weights.scalars.reduce(0) { $0 + $1 * $1 } / count).squareRoot()
                    CheckArtifacts.add("\(label).\(fanIn)x\(fanOut).statistic", shape: [2], values: [spread, meanAbs])
                }
            }
        },
    ])

    static let groups = [conv, pooling, optimizers, functional, layers, initializers]
}
