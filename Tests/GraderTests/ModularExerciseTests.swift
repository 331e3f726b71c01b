import ExerciseKit
import Foundation
import Rubric
@testable import Scoring
import GradingModel
import Testing

/// The third exercise, the modular-layers assignment: graded through the function-set contract
/// (`CallableContract`) with every expectation in the judge.
@Suite(.serialized) struct ModularExerciseTests {
    static func run(_ arguments: [String]) throws -> String {
        let result = try TestSupport.runGrader(TestSupport.graderArguments(arguments))
        #expect(result.code == 0, "grader \(arguments.joined(separator: " ")): \(result.error.suffix(2000))")
        return result.output
    }

    @Test func theReferenceEarnsEveryPointAndTheExtraCredit() throws {
        let output = try Self.run(["run", "--bonus", "--rubric", "modular", "reference"])
        #expect(output.contains("135 / 125 (%)"), "\(output.suffix(3000))")
        #expect(output.contains("convNetTrain (extra credit) | OK"))
        #expect(!output.contains("FAIL"))
    }

    @Test func thePartialSampleEarnsItsLayersAndUpdateRulesOnly() throws {
        let output = try Self.run(["run", "--bonus", "--rubric", "modular", "submissions/modular-partial"])
        #expect(output.contains("40 / 125 (%)"), "\(output.suffix(3000))")
        #expect(output.contains("rmsprop: OK") && output.contains("adam: FAIL"))
        #expect(output.contains("not implemented: convForwardNaive"))
    }

    /// A submission that rewrites the call table to answer every call with a result of the right
    /// form (echoed inputs, zero losses and gradients) earns nothing: the judge computes every
    /// expected value itself.
    @Test func forgedRepliesEarnNothing() throws {
        let forger = FileManager.default.temporaryDirectory.appendingPathComponent("modular-forger-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: forger) }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/submissions/skeleton", to: forger)
        let registration = forger + "/Sources/Submission/Registration.swift"
        try FileManager.default.removeItem(atPath: registration)
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/Tests/Fixtures/submissions/modular-forger/Registration.swift", toPath: registration)
        let output = try Self.run(["run", "--bonus", "--rubric", "modular", forger])
        #expect(output.contains("| Modular | Total Achieved") && output.contains("0 / 125 (%)"), "\(output.suffix(3000))")
        #expect(output.contains("expected: reluForward's out with relative error < 1e-09"))
    }

    @Test func theHiddenProbeComparesWithTheReference() throws {
        let reference = try Self.run(["run", "--rubric", "rubric/modular-hidden.json", "--reference", "reference", "--group", "HiddenModular", "reference"])
        #expect(reference.contains("HiddenModular: OK (3/3 checks passed)"), "\(reference.suffix(2000))")
        let partial = try Self.run(["run", "--rubric", "rubric/modular-hidden.json", "--reference", "reference", "--group", "HiddenModular",
                                    "submissions/modular-partial"])
        #expect(partial.contains("HiddenModular: FAIL"), "\(partial.suffix(2000))")
    }

    @Test func extraCreditCountsInTheTotalButNotTheMaximum() throws {
        var rubric = try Rubric.load(from: TestSupport.repository + "/rubric/modular.json")
        try rubric.validate(path: "modular.json")
        let sheet = ScoreSheet(exercise: "M", examPercentage: 0, groups: [
            GroupScore(name: "a", percent: 100, earned: 100, passed: true, results: []),
            GroupScore(name: "bonus", percent: 10, earned: 10, passed: true, results: [], extraCredit: true),
        ])
        #expect(sheet.maximum == 100 && sheet.total == 110)
        // Extra credit is not part of totalPercent: counting it there is refused.
        rubric.totalPercent = 135
        #expect(throws: RubricError.self) { try rubric.validate(path: "modular.json") }
    }

    /// Parameters and configs travel through `ExerciseValue` unchanged (state tensors, nil, seeds).
    @Test func contractValuesRoundTrip() throws {
        var config = UpdateConfig(learningRate: 0.01)
        (config.m, config.t, config.decayRate) = (Tensor([1, 2, 3]), 7, 0.9)
        #expect(try UpdateConfig(config.exerciseValue) == config)
        for dropout in [DropoutParameters(keepProbability: 0.3, mode: .train, seed: 42), DropoutParameters(keepProbability: 1, mode: .test)] {
            #expect(try DropoutParameters(dropout.exerciseValue) == dropout)
        }
        #expect(try ConvParameters(ConvParameters(stride: 2, pad: 1).exerciseValue) == ConvParameters(stride: 2, pad: 1))
        #expect(throws: CallError.self) { try ConvParameters(.ints([1])) }
    }
}
