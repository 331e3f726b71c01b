import ExerciseKit
import Checks
import Foundation
import GradingModel
import PluginHost
import Testing

/// A deliberate bug in the reference, and the group that must catch it.
struct Mutation: CustomStringConvertible, Sendable {
    let name: String
    /// The reference file the edits apply to (its name: it is in its exercise's folder of reference/Sources/Submission/).
    let file: String
    /// Text replacements; each `find` must occur exactly once in the reference.
    let edits: [(find: String, replace: String)]
    /// Instead of edits: a replacement file in Tests/Fixtures/mutations/<name>/.
    let replacesFile: Bool
    let group: String
    /// The checks of `group` that must not pass.
    let failingChecks: [String]

    var description: String { name }

    init(_ name: String, _ file: String, _ edits: [(String, String)] = [], replacesFile: Bool = false,
         group: String, failing: [String]) {
        self.name = name
        self.file = file
        self.edits = edits.map { (find: $0.0, replace: $0.1) }
        self.replacesFile = replacesFile
        self.group = group
        failingChecks = failing
    }

    static let all: [Mutation] = [
        Mutation("conv-forward-flips-kernel", "Conv.swift",
                 [("let wv = w[((k * g.channels + c) * kh + u) * kw + v]",
                   "let wv = w[((k * g.channels + c) * kh + (kh - 1 - u)) * kw + (kw - 1 - v)]")],
                 group: "TestConv", failing: ["gradient", "gradientWeights"]),
        Mutation("conv-padding-wrong-for-even-kernels", "Conv.swift",
                 [("outHeight: (height + strideY - 1) / strideY, outWidth: (width + strideX - 1) / strideX,",
                   "outHeight: (height + 2 * (kernelHeight / 2) - kernelHeight) / strideY + 1, outWidth: (width + 2 * (kernelWidth / 2) - kernelWidth) / strideX + 1,")],
                 group: "TestConv", failing: ["forwardSize", "backwardSize"]),
        Mutation("conv-backward-missing-stride", "Conv.swift",
                 [("dx[xRow + ox * sx] += wv * error", "dx[xRow + ox] += wv * error"),
                  ("accumulated += error * x[xRow + ox * sx]", "accumulated += error * x[xRow + ox]")],
                 group: "TestConv", failing: ["gradientWeightsStrided", "gradientStride"]),
        Mutation("conv-gradient-bias-not-summed-over-batch", "Conv.swift",
                 [("for i in 0..<outPlane { gradB[k] += e[eBase + i] }", "if b == 0 { for i in 0..<outPlane { gradB[k] += e[eBase + i] } }")],
                 group: "TestConv", failing: ["gradientBias"]),
        Mutation("pooling-backward-all-ties", "Pooling.swift",
                 [("    private var maximumIndices: [Int] = []\n",
                   "    private var maximumIndices: [Int] = []\n    private var lastInput: [Double] = []\n"),
                  ("        inputShape = inputTensor.shape\n", "        inputShape = inputTensor.shape\n        lastInput = inputTensor.scalars\n"),
                  ("for (o, index) in maximumIndices.enumerated() { inputError[index] += errorTensor.scalars[o] }",
                   // Every cell equal to its window's maximum receives the error (ties doubled).
                   """
                   let (height, width) = (inputShape[2], inputShape[3])
                   let (py, px, sy, sx) = (poolingShape[0], poolingShape[1], strideShape[0], strideShape[1])
                   let outHeight = (height - py) / sy + 1, outWidth = (width - px) / sx + 1
                   for (o, index) in maximumIndices.enumerated() {
                       let plane = o / (outHeight * outWidth), oy = (o / outWidth) % outHeight, ox = o % outWidth
                       for u in 0..<py {
                           for v in 0..<px {
                               let cell = plane * height * width + (oy * sy + u) * width + ox * sx + v
                               if lastInput[cell] == lastInput[index] { inputError[cell] += errorTensor.scalars[o] }
                           }
                       }
                   }
                   """)],
                 group: "TestPooling", failing: ["backwardTies"]),
        Mutation("pooling-output-size-ceil", "Pooling.swift",
                 [("let outHeight = (height - py) / sy + 1, outWidth = (width - px) / sx + 1",
                   "let outHeight = (height - py + sy - 1) / sy + 1, outWidth = (width - px + sx - 1) / sx + 1")],
                 group: "TestPooling", failing: ["subsamplingShape"]),
        Mutation("adam-without-bias-correction", "Optimizers.swift",
                 [("let vHat = firstMoment[i] / muCorrection", "let vHat = firstMoment[i]"),
                  ("let rHat = secondMoment[i] / rhoCorrection", "let rHat = secondMoment[i]")],
                 group: "TestOptimizers2", failing: ["adam"]),
        Mutation("momentum-adds-the-gradient", "Optimizers.swift",
                 [("momentumRate * v - learningRate * g", "momentumRate * v + learningRate * g")],
                 group: "TestOptimizers2", failing: ["sgdWithMomentum"]),
        Mutation("he-uses-fan-out", "Initializers.swift",
                 [("let sigma = (2.0 / Double(fanIn)).squareRoot()", "let sigma = (2.0 / Double(fanOut)).squareRoot()")],
                 group: "TestInitializers", failing: ["heUsesFanIn"]),
        Mutation("fc-bias-outside-weights", "FullyConnected.swift", replacesFile: true,
                 group: "TestFullyConnected2", failing: ["weightsSize"]),
        Mutation("network-shares-one-optimizer", "NeuralNetwork.swift",
                 [("trainable.optimizer = optimizer.copy()", "trainable.optimizer = optimizer")],
                 group: "TestNeuralNetwork2", failing: ["appendLayer"]),
        // hw5, the functional exercise
        Mutation("softmax-without-max-shift", "Functional.swift",
                 [("let shift = x.scalars.max() ?? 0", "let shift = 0.0")],
                 group: "lossCrossEntropySoftmax", failing: ["stableForLargeInputs"]),
        Mutation("conv-without-padding", "Functional.swift",
                 [("let (pt, pl) = ((kh - 1) / 2, (kw - 1) / 2)\n        var y = [Double]", "let (pt, pl) = (0, 0)\n        var y = [Double]")],
                 group: "conv", failing: ["values"]),
        Mutation("conv-backward-flipped-kernel-gradient", "Functional.swift",
                 [("for out in 0..<c2 { dw[wBase + out] += errors[eBase + out] * value }",
                   "let flippedTap: Int = (kh - 1 - u) * kw + (kw - 1 - v)\n"
                   + "let flippedBase: Int = (flippedTap * c1 + channel) * c2\n"
                   + "for out in 0..<c2 { dw[flippedBase + out] += errors[eBase + out] * value }")],
                 group: "convBackward", failing: ["numericGradient"]),
        Mutation("pool-backward-to-all-four-cells", "Functional.swift",
                 [("dlDx[index] += dlDy.scalars[(i * outWidth + j) * channels + c]",
                   "let topLeft = ((2 * i) * width + 2 * j) * channels + c; _ = index\n"
                   + "for cell in [topLeft, topLeft + channels, topLeft + width * channels, topLeft + (width + 1) * channels] { dlDx[cell] += dlDy.scalars[(i * outWidth + j) * channels + c] }")],
                 group: "pool2x2Backward", failing: ["values", "numericGradient"]),
        Mutation("fc-backward-transposed-dldw", "Functional.swift",
                 [("Tensor(shape: [n, m], scalars: dlDw), Tensor(shape: [n, 1]", "Tensor(shape: [n, m], scalars: dlDw).transposed(), Tensor(shape: [n, 1]")],
                 group: "fcBackward", failing: ["shapes", "values", "numericGradient"]),
        Mutation("relu-backward-greater-or-equal", "Functional.swift",
                 [("input > 0 ? error : 0", "input >= 0 ? error : 0")],
                 group: "reluBackward", failing: ["values"]),
        // the modular exercise
        Mutation("affine-db-first-row-only", "ModularLayers.swift",
                 [("for row in 0..<n { for column in 0..<m { db[column] += dout.scalars[row * m + column] } }",
                   "for row in 0..<1 { for column in 0..<m { db[column] += dout.scalars[row * m + column] } }")],
                 group: "affineBackward", failing: ["gradients"]),
        Mutation("dropout-p-is-the-drop-probability", "ModularLayers.swift",
                 [("random.uniform() < p ? 1 / p : 0", "random.uniform() < 1 - p ? 1 / p : 0")],
                 group: "dropoutForward", failing: ["statistics"]),
        Mutation("adam-bias-correction-before-the-step", "ModularUpdateRules.swift",
                 [("        config.t += 1\n", ""),
                  ("        (config.m, config.v) = (m, v)\n", "        (config.m, config.v) = (m, v)\n        defer { config.t += 1 }\n")],
                 group: "adam", failing: ["linspace", "fromScratch"]),
        Mutation("regularization-missing-from-gradients", "ModularNetworks.swift",
                 [("grads[name] = grads[name].map { $0 + reg * w } ?? reg * w", "grads[name] = grads[name] ?? w")],
                 group: "fullyConnectedNet", failing: ["gradients"]),
        Mutation("conv-dw-reads-the-kernel-column", "ModularConv.swift",
                 [("dw[kernelRow + v] += g * input[inputRow + column]", "dw[kernelRow + v] += g * input[inputRow + v]")],
                 group: "convBackwardNaive", failing: ["gradients", "strided"]),
        Mutation("maxpool-backward-overwrites", "ModularConv.swift",
                 [("dx[at] += dout", "dx[at] = dout")],
                 group: "maxPoolBackwardNaive", failing: ["overlapping"]),
        Mutation("conv-net-without-padding", "ModularNetworks.swift",
                 [("convParameters = ConvParameters(stride: 1, pad: (filterSize - 1) / 2)", "convParameters = ConvParameters(stride: 1, pad: 0)")],
                 group: "threeLayerConvNet", failing: ["initialLoss", "scores", "gradients"]),
        // CSC321: method 2's dx with dy padded by k − p instead of k − p − 1 (caught by its backward
        // and by the agreement with method 1); counts that ignore the padding; pooling's gradient to a
        // window's last cell.
        Mutation("csc321-method2-dx-padding-off-by-one", "CSC321Conv.swift",
                 [("let around = g.k - pad - 1", "let around = max(0, g.k - pad - 2)")],
                 group: "csc321ConvMethod2", failing: ["backward", "agreesWithMethod1"]),
        Mutation("csc321-connections-without-padding", "CSC321Layers.swift",
                 [("connections: filters * h * w * c * size * size)", "connections: filters * (h - 2 * pad) * (w - 2 * pad) * c * size * size)")],
                 group: "csc321Counts", failing: ["cnn", "cnn2"]),
        Mutation("csc321-pool-gradient-to-last-of-ties", "CSC321Layers.swift",
                 [("if x.scalars[index] > bestValue { (best, bestValue) = (index, x.scalars[index]) }",
                   "if x.scalars[index] >= bestValue - 1 { (best, bestValue) = (index, x.scalars[index]) }")],
                 group: "csc321MaxPool", failing: ["backward"]),
        // TF2 CNN: "same" shrinks like "valid".
        Mutation("tf2-same-padding-shrinks", "TF2CNN.swift",
                 [("shape = padding == .same ? [shape[0], shape[1], filters] : [shape[0] - kernel + 1, shape[1] - kernel + 1, filters]",
                   "shape = [shape[0] - kernel + 1, shape[1] - kernel + 1, filters]")],
                 group: "tf2OutputShapes", failing: ["given"]),
    ]

    /// A copy of the reference with this mutation applied, in a fresh temporary folder.
    func materialize() throws -> String {
        let fileManager = FileManager.default
        let root = fileManager.temporaryDirectory.appendingPathComponent("mutation-\(name)-\(UUID().uuidString)").path
        try fileManager.createDirectory(atPath: root + "/Sources", withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: TestSupport.repository + "/reference/Sources/Submission", toPath: root + "/Sources/Submission")
        let target = try TestSupport.sourceFile(named: file, in: root + "/Sources/Submission")
        if replacesFile {
            try fileManager.removeItem(atPath: target)
            try fileManager.copyItem(atPath: TestSupport.repository + "/Tests/Fixtures/mutations/\(name)/\(file)", toPath: target)
        } else {
            var text = try String(contentsOfFile: target, encoding: .utf8)
            for edit in edits {
                let occurrences = text.components(separatedBy: edit.find).count - 1
                guard occurrences == 1 else { throw MutationError(description: "\(name): '\(edit.find)' occurs \(occurrences) times in \(file)") }
                text = text.replacingOccurrences(of: edit.find, with: edit.replace)
            }
            try text.write(toFile: target, atomically: true, encoding: .utf8)
        }
        return root
    }
}

struct MutationError: Error, CustomStringConvertible { let description: String }

@Suite struct MutationTests {
    /// The mutated reference, compiled (the temporary sources are removed again), in a worker.
    static func supervisor(for mutation: Mutation) throws -> WorkerSupervisor {
        let root = try mutation.materialize()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let build = try TestSupport.builder().build(submissionAt: root, abiVersion: ExerciseKitABI.version)
        return WorkerSupervisor(configuration: .init(
            executable: TestSupport.graderExecutable, libraryPath: build.libraryPath,
            checkTimeoutSeconds: 60, memoryMiB: 4096, cpuSeconds: 600))
    }

    /// Every mutation compiles and is caught by the group that should catch it, by the named checks.
    @Test(arguments: Mutation.all)
    func mutationIsCaughtByItsGroup(_ mutation: Mutation) throws {
        let supervisor = try Self.supervisor(for: mutation)
        let group = try #require(CheckCatalog.group(named: mutation.group))
        var failed: [String] = []
        for check in group.checks {
            let result = try supervisor.run(check: "\(group.name).\(check.name)", seed: 1337)
            if result.status != .passed { failed.append(check.name) }
        }
        for name in mutation.failingChecks {
            #expect(failed.contains(name), "\(mutation.name): \(mutation.group).\(name) should fail; failing: \(failed)")
        }
    }

    /// SoftConvTests pinpoints the part that is wrong: a forward-only kernel flip fails forward,
    /// not the bias gradient.
    @Test func softConvPinpointsAForwardBug() throws {
        let mutation = try #require(Mutation.all.first { $0.name == "conv-forward-flips-kernel" })
        let supervisor = try Self.supervisor(for: mutation)
        let statuses = try ["forward", "gradientBias"].map { try supervisor.run(check: "SoftConvTests.\($0)", seed: 1337).status }
        #expect(statuses == [.failed, .passed])
    }

    /// The reference itself passes every check of every group the mutations target (hw5's with seed 0).
    @Test func referencePassesTheTargetedGroups() throws {
        let supervisor = try TestSupport.supervisor(for: "reference", checkTimeout: 60)
        for groupName in Set(Mutation.all.map(\.group)).sorted() {
            let group = try #require(CheckCatalog.group(named: groupName))
            for check in group.checks {
                let result = try supervisor.run(check: "\(group.name).\(check.name)", seed: 1337)
                #expect(result.status == .passed, "\(group.name).\(check.name): \(result.message)")
            }
        }
    }
}
