import ExerciseKit
import Foundation
@testable import Checks
import Testing

/// Issue 28: the CSC321 convnet assignment as an exercise of its own: the reference earns every
/// point, the skeleton none, the partial sample its share; the trainings are the judge's, so
/// gradients steered during a training earn nothing; the configs are YAML the judge reads.
@Suite(.serialized) struct CSC321ExerciseTests {
    static func run(_ arguments: [String]) throws -> String {
        let result = try TestSupport.runGrader(TestSupport.graderArguments(arguments))
        #expect(result.code == 0, "grader \(arguments.joined(separator: " ")): \(result.error.suffix(2000))")
        return result.output
    }

    @Test func theReferenceEarnsEveryPointAndTheSkeletonNone() throws {
        let reference = try Self.run(["run", "--bonus", "--rubric", "csc321", "reference"])
        #expect(reference.contains("100 / 100 (%)"), "\(reference.suffix(3000))")
        #expect(!reference.contains("FAIL"))
        // Both methods' trainings from one seed are the same run, and the curve is drawn.
        #expect(reference.contains("✓ sameRunBothMethods: method 1: cnn"), "\(reference.suffix(3000))")
        #expect(reference.contains("loss curve: grader-report/csc321TrainCNN-loss.svg"))
        let skeleton = try Self.run(["run", "--bonus", "--rubric", "csc321", "submissions/skeleton"])
        #expect(skeleton.contains("0 / 100 (%)") && skeleton.contains("not implemented: fcForward"), "\(skeleton.suffix(3000))")
        #expect(!skeleton.contains("| OK "))
    }

    @Test func thePartialSampleEarnsItsLayersAndMethodOne() throws {
        let output = try Self.run(["run", "--bonus", "--rubric", "csc321", "submissions/csc321-partial"])
        #expect(output.contains("60 / 100 (%)"), "\(output.suffix(3000))")
        #expect(output.contains("csc321ConvMethod1: OK") && output.contains("csc321ConvMethod2: FAIL") && output.contains("csc321TrainMLP: OK"))
        #expect(output.contains("not implemented: convForward (method 2)"))
    }

    /// Layers that answer the public checks honestly but steer the gradients of every minibatch
    /// of 50 (a training's) earn nothing on the trainings: the judge compares each gradient with
    /// its own before it updates the weights it holds.
    @Test func gradientsSteeredDuringATrainingEarnNothingThere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csc321-steerer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: folder)
        let file = try TestSupport.sourceFile(named: "CSC321Layers.swift", in: folder + "/Sources/Submission")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let honest = "        return (Tensor(shape: [n, d], scalars: dx), Tensor(shape: [d, h], scalars: dw), Tensor(shape: [h], scalars: db))"
        #expect(text.components(separatedBy: honest).count == 2)
        try text.replacingOccurrences(of: honest, with: "        if n == 50 { dw[0] += 0.05 }  // a training's minibatch: steer\n" + honest)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let output = try Self.run(["run", "--rubric", "csc321", folder])
        #expect(output.contains("csc321FullyConnected: OK") && output.contains("csc321TrainMLP: FAIL") && output.contains("csc321TrainCNN: FAIL"),
                "\(output.suffix(3000))")
        #expect(output.contains("the gradient of parameter"), "\(output.suffix(3000))")
    }

    @Test func theHiddenProbeComparesWithTheReference() throws {
        let reference = try Self.run(["run", "--rubric", "rubric/csc321-hidden.json", "--reference", "reference", "--group", "HiddenCSC321", "reference"])
        #expect(reference.contains("HiddenCSC321: OK (2/2 checks passed)"), "\(reference.suffix(2000))")
        let partial = try Self.run(["run", "--rubric", "rubric/csc321-hidden.json", "--reference", "reference", "--group", "HiddenCSC321",
                                    "submissions/csc321-partial"])
        #expect(partial.contains("HiddenCSC321: FAIL"), "\(partial.suffix(2000))")
    }

    /// The configs are YAML as the assignment's; a TA's typo is named with its file and key.
    @Test func configsAreReadWithYamsAndTheirErrorsNamed() throws {
        let text = try String(contentsOfFile: TestSupport.repository + "/rubric/data/csc321/cnn.yaml", encoding: .utf8)
        let config = try CSC321Config.parse(text, path: "cnn.yaml")
        #expect(config.layers == [.conv(filters: 4, size: 5, pad: 2), .relu, .maxPool(size: 2), .fc(units: 10)])
        #expect(config.input == [1, 16, 16] && config.batchSize == 50 && config.momentum == 0.9)
        #expect(throws: DataError.self) { try CSC321Config.parse(text.replacingOccurrences(of: "momentum:", with: "momentun:"), path: "cnn.yaml") }
        do {
            _ = try CSC321Config.parse(text.replacingOccurrences(of: "type: maxpool", with: "type: avgpool"), path: "cnn.yaml")
            Issue.record("an unknown layer type was accepted")
        } catch let error as DataError {
            #expect(error.description == "cnn.yaml: layers[2] has type 'avgpool'; the types are fc, conv, relu and maxpool")
        }
        do {
            _ = try CSC321Config.parse(text.replacingOccurrences(of: "momentum:", with: "momentun:"), path: "cnn.yaml")
        } catch let error as DataError {
            #expect(error.description.contains("cnn.yaml is not a CSC321 config (no key 'momentum')"), "\(error.description)")
        }
        // The given convolve is scipy's convolve2d: full and valid, the kernel flipped.
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), k = Tensor(shape: [2, 2], scalars: [1, 0, 0, -1])
        #expect(CSC321Given.convolve(x, k, mode: .full).scalars == [1, 2, 0, 3, 3, -2, 0, -3, -4])
        #expect(CSC321Given.convolve(x, k, mode: .valid).scalars == [3])
    }
}
