import ExerciseKit
import Archive
import Checks
import Foundation
import GradingModel
import PluginHost
import Rubric
import Testing

/// hw5: the function groups, short training runs with the submission's functions, submitted weights.
/// (The full 10,000-iteration runs take seconds in a release build; `make demo` and `make bench` run them.)
@Suite(.serialized) struct FunctionalExerciseTests {
    static let functionGroups = ["getMiniBatch", "fc", "fcBackward", "lossCrossEntropySoftmax", "relu", "reluBackward",
                                 "conv", "convBackward", "pool2x2", "pool2x2Backward"]

    static func supervisor(_ submission: String, submissionDirectory: String? = nil) throws -> WorkerSupervisor {
        let build = try TestSupport.builder().build(submissionAt: TestSupport.repository + "/" + submission, abiVersion: ExerciseKitABI.version)
        var configuration = WorkerSupervisor.Configuration(
            executable: TestSupport.graderExecutable, libraryPath: build.libraryPath,
            checkTimeoutSeconds: 120, memoryMiB: 4096, cpuSeconds: 600)
        configuration.dataDirectory = TestSupport.repository + "/rubric/data"
        configuration.submissionDirectory = submissionDirectory ?? TestSupport.repository + "/" + submission
        return WorkerSupervisor(configuration: configuration)
    }

    static func checks(of group: String) -> [String] {
        CheckCatalog.group(named: group)!.checks.map { "\(group).\($0.name)" }
    }

    @Test func hw5RubricCoversEveryGroupAndSumsTo100() throws {
        let rubric = try Rubric.load(from: TestSupport.repository + "/rubric/hw5.json")
        #expect(rubric.groups.reduce(0) { $0 + $1.percent } == 100)
        for group in rubric.groups { #expect(CheckCatalog.group(named: group.name) != nil, "\(group.name)") }
    }

    @Test func referencePassesEveryFunctionGroupAndItsSubmittedWeights() throws {
        let supervisor = try Self.supervisor("reference")
        for id in (Self.functionGroups + ["submittedMLP", "submittedCNN"]).flatMap(Self.checks) {
            let result = try supervisor.run(check: id, seed: 0)
            #expect(result.status == .passed, "\(id): \(result.message)")
        }
    }

    @Test func skeletonFailsEveryFunctionWithNotImplemented() throws {
        let supervisor = try Self.supervisor("submissions/skeleton")
        for id in Self.functionGroups.flatMap(Self.checks) {
            let result = try supervisor.run(check: id, seed: 0)
            #expect(result.status == .failed && result.message.hasPrefix("not implemented"), "\(id): \(result.message)")
        }
    }

    @Test func shortTrainingWithTheReferenceFunctionsLearns() throws {
        let supervisor = try Self.supervisor("reference")
        let result = try supervisor.run(check: "trainMLP.train", seed: 0, timeoutSeconds: 300,
                                        parameters: ["iterations": 400, "threshold": 0.5])
        #expect(result.status == .passed, "\(result.message)")
        #expect(result.message.hasPrefix("test accuracy 0."))
        let loss = try #require(result.artifacts?["loss"])
        #expect(loss.values.count == 400)
        #expect(loss.values.suffix(50).reduce(0, +) < loss.values.prefix(50).reduce(0, +), "the loss falls")
        #expect(result.artifacts?["w1"]?.shape == [30, 196])
    }

    /// A `conv` that is a true convolution (the kernel flipped), with the `convBackward` that
    /// matches it, trains as correlation does: the judge reads the orientation from the first
    /// iteration and verifies every later one in it.
    @Test func aTrueConvolutionTrainsInItsOwnOrientation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convolution-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/reference/Sources", toPath: folder + "/Sources")
        let file = folder + "/Sources/Submission/HW5/Functional.swift"
        let source = try String(contentsOfFile: file, encoding: .utf8)
        let tap = "let wBase = ((u * kw + v) * c1 + channel) * c2"
        #expect(source.components(separatedBy: tap).count == 3, "conv and convBackward each read the kernel once")
        try source.replacingOccurrences(of: tap, with: "let wBase = (((kh - 1 - u) * kw + (kw - 1 - v)) * c1 + channel) * c2")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let build = try TestSupport.builder().build(submissionAt: folder, abiVersion: ExerciseKitABI.version)
        var configuration = WorkerSupervisor.Configuration(executable: TestSupport.graderExecutable, libraryPath: build.libraryPath,
                                                           checkTimeoutSeconds: 120, memoryMiB: 4096, cpuSeconds: 600)
        configuration.dataDirectory = TestSupport.repository + "/rubric/data"
        let supervisor = WorkerSupervisor(configuration: configuration)
        let result = try supervisor.run(check: "trainCNN.train", seed: 0, timeoutSeconds: 300, parameters: ["iterations": 300, "threshold": 0.5])
        #expect(result.status == .passed && result.message.contains("orientation: convolution (kernel flipped)"), "\(result.message)")
        let refused = try supervisor.run(check: "trainCNN.train", seed: 0, timeoutSeconds: 300,
                                         parameters: ["iterations": 300, "threshold": 0.5, "acceptConvolution": 0])
        #expect(refused.status == .failed && refused.message.contains("the loss of the weights the grader sent"), "\(refused.message)")
    }

    @Test func submittedWeightsWithAWrongShapeNameTheKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bad-weights-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try NPZ.write(path: folder + "/mlp.npz", arrays: [
            ("w1", NumpyArray(shape: [30, 196], scalars: .init(repeating: 0, count: 5880))),
            ("b1", NumpyArray(shape: [30], scalars: .init(repeating: 0, count: 30))),
            ("w2", NumpyArray(shape: [10, 30], scalars: .init(repeating: 0, count: 300))),
            ("b2", NumpyArray(shape: [10, 1], scalars: .init(repeating: 0, count: 10))),
        ])
        try NPZ.write(path: folder + "/cnn.npz", arrays: [("w_conv", NumpyArray(shape: [1], scalars: [0]))])
        let supervisor = try Self.supervisor("reference", submissionDirectory: folder)
        let mlp = try supervisor.run(check: "submittedMLP.weights", seed: 0)
        #expect(mlp.status == .failed)
        #expect(mlp.message.contains("mlp.npz key 'b1' of shape [30, 1]") && mlp.message.contains("got:      shape [30]"))
        let cnn = try supervisor.run(check: "submittedCNN.weights", seed: 0)
        #expect(cnn.message.contains("key 'b_conv' in cnn.npz"))
    }

    @Test func trainCommandWritesWeightFilesNumpyCanRead() throws {
        let rubric = FileManager.default.temporaryDirectory.appendingPathComponent("hw5-short-\(UUID().uuidString).json").path
        try """
            {"exercise": "HW5", "title": "short", "examPercentage": 3, "seed": 0, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "trainMLP", "percent": 100, "parameters": {"iterations": 200, "threshold": 0.5}}],
             "limits": {"checkTimeoutSeconds": 300, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600}}
            """.write(toFile: rubric, atomically: true, encoding: .utf8)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("trained-\(UUID().uuidString)").path
        let (code, output, error) = try TestSupport.runGrader(["train", "--out", out, "--model", "mlp", "--rubric", rubric, "reference"])
        #expect(code == 0, "\(error)")
        #expect(output.contains("mlp.npz: test accuracy"))
        let arrays = try NPZ.read(path: out + "/mlp.npz")
        #expect(arrays["w1"]?.shape == [30, 196] && arrays["b2"]?.shape == [10, 1])
        #expect(FileManager.default.fileExists(atPath: out + "/trainMLP-loss.svg"))
    }

    @Test func compressedNpzIsRefusedWithTheFix() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("compressed-\(UUID().uuidString).npz").path
        let writer = try ZipWriter(path: path)
        try writer.add(name: "w1.npy", data: NPY.serialize(NumpyArray(shape: [2], scalars: [1, 2])), compress: true)
        try writer.close()
        #expect(throws: ArchiveError.self) { _ = try NPZ.read(path: path) }
        do { _ = try NPZ.read(path: path) } catch { #expect("\(error)".contains("np.savez, not np.savez_compressed")) }
    }
}
