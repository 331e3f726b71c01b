import ExerciseKit

/// The CSC321 exercise's hidden differential probe: every layer, both convolution methods, and
/// the counts of random architectures, on sizes and paddings the public checks do not use, from a
/// private source seeded with the rubric's seed. Every output is an artifact the host compares
/// with the reference's (`DifferentialOracle`).
enum CSC321Probes {
    static var cases: Int { Int(CheckEnvironment.parameter("cases", default: 8)) }
    static func name(_ index: Int) -> String { DifferentialProbes.name(index) }

    static let group = CheckGroup(name: "HiddenCSC321", checks: [
        Check("layers", "fully connected, ReLU, softmax cross-entropy, both convolutions and max pooling, forward and backward, random shapes") { registry in
            let csc = try CSC321Client.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 21)
            for index in 0..<cases {
                let (n, c, f, k) = (1 + random.integer(below: 3), 1 + random.integer(below: 3), 1 + random.integer(below: 3), 1 + random.integer(below: 4))
                let pad = random.integer(below: k)
                let size = 1 + random.integer(below: 3)
                let (h, w) = (size * (1 + random.integer(below: 3)) + max(0, k - 1 - 2 * pad), size * (1 + random.integer(below: 3)) + max(0, k - 1 - 2 * pad))
                let x = random.normal(shape: [n, c, h, w])
                let (d, m) = (c * h * w, 1 + random.integer(below: 6))
                let flat = x.reshaped([n, d])
                let fw = random.normal(shape: [d, m])
                CheckArtifacts.add(name(index) + ".fc", try csc.fcForward(flat, fw, random.normal(shape: [m])))
                let (dx, dw, db) = try csc.fcBackward(random.normal(shape: [n, m]), flat, fw)
                for (key, value) in [("fc.dx", dx), ("fc.dw", dw), ("fc.db", db)] { CheckArtifacts.add(name(index) + "." + key, value) }
                CheckArtifacts.add(name(index) + ".relu", try csc.reluForward(x))
                CheckArtifacts.add(name(index) + ".relu.dx", try csc.reluBackward(random.normal(shape: x.shape), x))
                let labels = (0..<n).map { _ in random.integer(below: m) }
                let (loss, dScores) = try csc.softmaxCrossEntropy(random.normal(shape: [n, m], standardDeviation: 3), labels)
                CheckArtifacts.add(name(index) + ".softmax", Tensor([loss]))
                CheckArtifacts.add(name(index) + ".softmax.d", dScores)
                let (kw, kb) = (random.normal(shape: [f, c, k, k]), random.normal(shape: [f]))
                for method in ConvMethod.allCases {
                    let y = try csc.convForward(x, kw, kb, pad: pad, method: method)
                    CheckArtifacts.add(name(index) + ".conv\(method.rawValue)", y)
                    let (cdx, cdw, cdb) = try csc.convBackward(random.normal(shape: y.shape), x, kw, pad: pad, method: method)
                    for (key, value) in [("dx", cdx), ("dw", cdw), ("db", cdb)] { CheckArtifacts.add(name(index) + ".conv\(method.rawValue).\(key)", value) }
                }
                let pooled = try csc.maxPoolForward(x, size: size)
                CheckArtifacts.add(name(index) + ".pool", pooled)
                CheckArtifacts.add(name(index) + ".pool.dx", try csc.maxPoolBackward(random.normal(shape: pooled.shape), x, size: size))
                CheckArtifacts.add(name(index) + ".config", shape: [8], values: [n, c, f, k, pad, size, h, w].map(Double.init))
            }
        },
        Check("counts", "parameters and connections of random architectures") { registry in
            let csc = try CSC321Client.of(registry)
            let random = RandomSource(seed: CheckEnvironment.seed &+ 22)
            for index in 0..<cases {
                var layers: [CSC321Layer] = []
                let inputSide = 8 + 4 * random.integer(below: 4)
                var side = inputSide
                for _ in 0..<(1 + random.integer(below: 2)) {
                    let k = 1 + 2 * random.integer(below: 3)
                    layers += [.conv(filters: 1 + random.integer(below: 8), size: k, pad: k / 2), .relu]
                    if side % 2 == 0 && random.integer(below: 2) == 0 { layers.append(.maxPool(size: 2)); side /= 2 }
                }
                layers += [.fc(units: 2 + random.integer(below: 30)), .relu, .fc(units: 10)]
                let counts = try csc.layerCounts(layers, input: [1 + random.integer(below: 3), inputSide, inputSide])
                CheckArtifacts.add(name(index) + ".counts", shape: [counts.count, 2], values: counts.flatMap { [Double($0.parameters), Double($0.connections)] })
            }
        },
    ])
}
