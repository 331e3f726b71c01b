import ExerciseKit
import Foundation
@testable import Checks
import Testing

/// Issue 28: the TF2 CNN assignment's checkable parts: Keras counts and shapes, question 1.1 in
/// either padding convention (named in the feedback), and a shallow network the grader trains
/// with its own implementation, scores by its parameter count and draws.
@Suite(.serialized) struct TF2CNNExerciseTests {
    static func run(_ arguments: [String]) throws -> String {
        let result = try TestSupport.runGrader(TestSupport.graderArguments(arguments))
        #expect(result.code == 0, "grader \(arguments.joined(separator: " ")): \(result.error.suffix(2000))")
        return result.output
    }

    @Test func theReferenceEarnsEveryPointAndTheSkeletonNone() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("tf2-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let reference = try Self.run(["run", "--bonus", "--rubric", "tf2-cnn", "--report-dir", report, "reference"])
        #expect(reference.contains("100 / 100 (%)") && !reference.contains("FAIL"), "\(reference.suffix(3000))")
        #expect(reference.contains("question 1.1: 1111946 free parameters, the \"valid\" convention"), "\(reference.suffix(3000))")
        #expect(reference.contains("2010 parameters, test accuracy"))
        // The accuracy curves the harness drew: a line per split, one point per epoch.
        let svg = try String(contentsOfFile: report + "/tf2ShallowNetwork-accuracy.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline").count == 3 && svg.components(separatedBy: "<circle").count == 7, "\(svg.prefix(500))")
        let skeleton = try Self.run(["run", "--bonus", "--rubric", "tf2-cnn", "submissions/skeleton"])
        #expect(skeleton.contains("0 / 100 (%)") && skeleton.contains("not implemented: shallowNetwork"), "\(skeleton.suffix(3000))")
    }

    /// The partial sample's "same" shapes are wrong and its network reaches the bar with too many
    /// parameters for any tier: the counts' 30 and question 1.1's 10.
    @Test func thePartialSampleEarnsItsCountsOnly() throws {
        let output = try Self.run(["run", "--bonus", "--rubric", "tf2-cnn", "submissions/tf2-cnn-partial"])
        #expect(output.contains("40 / 100 (%)"), "\(output.suffix(3000))")
        #expect(output.contains("✓ accuracy: conv2D(16") && output.contains("tf2ShallowNetwork: FAIL (1/4 checks passed)"), "\(output.suffix(3000))")
    }

    /// Question 1.1 in the other convention is accepted and named.
    @Test func theSamePaddingAnswerIsAcceptedAndNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tf2-same-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: folder)
        let file = try TestSupport.sourceFile(named: "TF2CNN.swift", in: folder + "/Sources/Submission")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "kernel: 5, padding: .valid", with: "kernel: 5, padding: .same").write(toFile: file, atomically: true, encoding: .utf8)
        let output = try Self.run(["run", "--rubric", "tf2-cnn", "--group", "tf2QuestionOneOne", folder])
        #expect(output.contains("question 1.1: 3274634 free parameters, the \"same\" convention"), "\(output.suffix(2000))")
    }

    @Test func theHiddenProbeComparesWithTheReference() throws {
        let reference = try Self.run(["run", "--rubric", "rubric/tf2-cnn-hidden.json", "--reference", "reference", "--group", "HiddenTF2CNN", "reference"])
        #expect(reference.contains("HiddenTF2CNN: OK (1/1 checks passed)"), "\(reference.suffix(2000))")
        let partial = try Self.run(["run", "--rubric", "rubric/tf2-cnn-hidden.json", "--reference", "reference", "--group", "HiddenTF2CNN",
                                    "submissions/tf2-cnn-partial"])
        #expect(partial.contains("HiddenTF2CNN: FAIL"), "\(partial.suffix(2000))")
    }

    /// What the grader will not train: a deep network, softmax inside, an even "same" kernel.
    @Test func onlyAShallowNetworkIsTrained() throws {
        let deep: [KerasLayer] = [.conv2D(filters: 2, kernel: 3, padding: .valid, activation: .relu), .conv2D(filters: 2, kernel: 3, padding: .valid, activation: .relu),
                                  .flatten, .dense(units: 8, activation: .relu), .dense(units: 10, activation: .softmax)]
        #expect(throws: CheckFailure.self) { try TF2CNNShallowNetwork.networkLayers(deep) }
        #expect(throws: CheckFailure.self) { try TF2CNNShallowNetwork.networkLayers([.flatten, .dense(units: 10, activation: .relu)]) }
        #expect(throws: CheckFailure.self) {
            try TF2CNNShallowNetwork.networkLayers([.conv2D(filters: 2, kernel: 2, padding: .same, activation: .relu), .flatten, .dense(units: 10, activation: .softmax)])
        }
        #expect(try TF2CNNShallowNetwork.networkLayers([.conv2D(filters: 2, kernel: 3, padding: .same, activation: .relu), .maxPooling2D(size: 2), .flatten,
                                                         .dense(units: 10, activation: .softmax)])
                == [.conv(filters: 2, size: 3, pad: 1), .relu, .maxPool(size: 2), .flatten, .fc(units: 10)])
        // A design built to keep the grader training for hours is refused before any training.
        let huge: [KerasLayer] = [.conv2D(filters: 512, kernel: 7, padding: .same, activation: .relu), .flatten, .dense(units: 10, activation: .softmax)]
        do {
            _ = try TF2CNNShallowNetwork.train(huge)
            Issue.record("a design of about 1.5 M parameters was trained")
        } catch let failure as CheckFailure {
            #expect(failure.expected.contains("at most 200000 parameters"), "\(failure)")
        }
        // The two totals question 1.1 accepts are Keras's for its figure.
        for (padding, total) in TF2CNNChecks.questionOneOneTotals {
            #expect(KerasOracle.summary(TF2CNNChecks.code(TF2CNNChecks.questionOneOne(padding)), input: [28, 28, 1])?.reduce(0) { $0 + $1.parameters } == total)
        }
    }
}
