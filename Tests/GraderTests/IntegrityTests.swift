import Foundation
import GradingModel
import PluginHost
import Testing

/// Only trusted code decides: submissions that forge the grader's answers, flood or break its
/// channel, or exit while loading score exactly what their honest part earns; honest but broken
/// ones (wrong shapes, a diverging training) get expected/got failures, never a grader crash.
@Suite(.serialized) struct IntegrityTests {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path

    /// The fixtures of Tests/Fixtures/hostile, written as submission folders (once).
    static let fixtures: [String: String] = {
        let process = Process()
        let out = Pipe()
        process.standardOutput = out
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.repository + "/scripts/make-hostile-fixtures.py", folder]
        try? process.run()
        let listed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Dictionary(uniqueKeysWithValues: listed.split(separator: "\n").map { (URL(fileURLWithPath: String($0)).lastPathComponent, String($0)) })
    }()

    /// Every fixture's expected score per rubric, from its fixture.json.
    static func expectations() throws -> [(fixture: String, rubric: String, score: Double)] {
        let root = TestSupport.repository + "/Tests/Fixtures/hostile"
        return try FileManager.default.contentsOfDirectory(atPath: root).sorted().flatMap { name -> [(String, String, Double)] in
            guard let data = FileManager.default.contents(atPath: "\(root)/\(name)/fixture.json"),
                  let spec = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let expected = spec["expected"] as? [String: Double] else { return [] }
            return expected.map { (name, $0.key, $0.value) }
        }
    }

    @Test func everyFixtureScoresWhatItsHonestPartEarns() throws {
        let cases = try Self.expectations()
        #expect(cases.count >= 8, "the fixtures' expectations were found")
        for (fixture, rubric, score) in cases {
            let path = try #require(Self.fixtures[fixture], "\(fixture) was written")
            let (code, output, error) = try TestSupport.runGrader(["run", "--format", "json", "--rubric", rubric, path])
            #expect(code == 0 || code == 2, "\(fixture): exit \(code), \(error.suffix(300))")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(fixture): \(output.prefix(300))")
            #expect(json["score"] as? Double == score, "\(fixture) scored \(json["score"] ?? "nothing"), expected \(score)")
            #expect(!output.contains("the grader failed"), "\(fixture): the judge must never fail on a submission's output")
        }
    }

    /// The first release's attack: "passed" replies written on every pipe, then exit. Each check
    /// that reaches the attack is errored with the reason; none passes.
    @Test func forgedAnswersAreErrorsNotPasses() throws {
        let supervisor = try TestSupport.supervisor(atPath: try Self.path("forge-and-exit"))
        let result = try supervisor.run(check: "TestOptimizers2.sgd", seed: 1337)
        #expect(result.status == .errored)
        #expect(result.message.contains("not the grader's protocol") || result.message.contains("answered request"), "\(result.message)")
        // The worker was replaced: the next check runs (and fails honestly, as the skeleton does).
        let next = try supervisor.run(check: "TestOptimizers2.adam", seed: 1337)
        #expect(next.status == .failed && next.message.contains("not implemented"), "\(next.message)")
    }

    @Test func repliesToOtherRequestsAreProtocolViolations() throws {
        let supervisor = try TestSupport.supervisor(atPath: try Self.path("wrong-ids-and-duplicates"))
        let result = try supervisor.run(check: "TestOptimizers2.sgd", seed: 1337)
        #expect(result.status == .errored && result.message.contains("answered request 1000"), "\(result.message)")
    }

    @Test func exitingDuringRegistrationIsNotGradable() throws {
        let supervisor = try TestSupport.supervisor(atPath: try Self.path("exit-in-static-initializer"))
        #expect(throws: GradingFailure.self) { _ = try supervisor.load() }
    }

    /// A wrong shape from any layer is an expected/got failure; the judge never traps on it.
    @Test func wrongShapesAreFailuresWithExpectedAndGot() throws {
        let supervisor = try TestSupport.supervisor(atPath: try Self.path("wrong-shapes-everywhere"))
        let gradient = try supervisor.run(check: "TestFullyConnected2.gradient", seed: 1337)
        #expect(gradient.status == .failed && gradient.message.contains("expected: the last layer's output of shape [9, 4]"), "\(gradient.message)")
        let pooling = try supervisor.run(check: "TestPooling.gradientStride", seed: 1337)
        #expect(pooling.status == .failed && pooling.message.contains("got:      shape ["), "\(pooling.message)")
    }

    /// A loss gradient of the wrong sign, whose training used to diverge to NaN, is caught by the
    /// judge's gradient check at the first iteration, with the message that says which functions.
    @Test func aDivergingTrainingSaysWhere() throws {
        let (_, output, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/hw5.json", "--group", "trainMLP", Self.fixtures["nan-training"] ?? ""])
        // A gradient of the wrong sign is caught at the first iteration, before the weights diverge.
        #expect(output.contains("trainMLP: FAIL") && output.contains("the gradient of the loss at the weights the grader sent (iteration 1)"), "\(output.prefix(800))")
    }

    /// The judge verifies every training iteration's loss against its own: a constant hw5 loss
    /// (with honest gradients, which would train to full marks) and a modular loss offset by 1.5
    /// both fail their trainings, saying which minibatch; the reference's pass.
    @Test func aTrainingLossThatIsNotTheWeightsLossFails() throws {
        let path = try Self.path("lying-training-loss")
        let (_, mlp, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/hw5.json", "--group", "trainMLP", path])
        #expect(mlp.contains("trainMLP: FAIL") && mlp.contains("the loss of the weights the grader sent") && mlp.contains("1 from your functions"), "\(mlp.prefix(1200))")
        let (_, conv, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "convNetOverfit", path])
        #expect(conv.contains("convNetOverfit: FAIL") && conv.contains("the loss of the parameters the grader set") && conv.contains("from loss(X, y)"), "\(conv.prefix(1200))")
        let (_, honest, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "convNetOverfit", TestSupport.repository + "/reference"])
        #expect(honest.contains("convNetOverfit: OK"), "\(honest.prefix(1200))")
    }

    /// The issue-26 attack: backward functions that return 5·(w − w*) for trained weights pasted
    /// into the source, forward functions and loss honest. A training loop in the worker ended at
    /// w* (full marks); the judge's loop checks each summed gradient along a direction the student
    /// cannot know, so every training fails at its first iteration, in `grader run` and in
    /// `grader batch`, while the function groups (where the attack stays honest) keep their points.
    @Test func gradientsSteeredTowardsPastedWeightsScoreNothingOnTheTrainings() throws {
        let path = try Self.path("steering-gradients")
        let (_, hw5, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/hw5.json", "--group", "trainMLP", "--group", "trainCNN", path])
        for group in ["trainMLP", "trainCNN"] { #expect(hw5.contains("\(group): FAIL"), "\(hw5.prefix(1500))") }
        #expect(hw5.contains("the gradient of the loss at the weights the grader sent (iteration 1)"), "\(hw5.prefix(1500))")
        let (_, modular, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "overfitSmallData",
                                                         "--group", "convNetOverfit", "--group", "convNetTrain", path])
        for group in ["overfitSmallData", "convNetOverfit", "convNetTrain"] { #expect(modular.contains("\(group): FAIL"), "\(modular.prefix(1500))") }
        #expect(modular.contains("the gradients of the loss at the parameters the grader set"), "\(modular.prefix(1500))")

        // In a batch, beside an honest student (the reference) whose short training passes.
        let rubric = Self.folder + "/hw5-short.json"
        try """
            {"exercise": "HW5", "title": "short", "examPercentage": 3, "seed": 0, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "fc", "percent": 50}, {"name": "trainMLP", "percent": 50, "parameters": {"iterations": 300, "threshold": 0.5}}],
             "limits": {"checkTimeoutSeconds": 300, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600}}
            """.write(toFile: rubric, atomically: true, encoding: .utf8)
        let course = BatchTests.course("steering", ["alice", "steering-gradients"])
        let out = Self.folder + "/steering-batch"
        let (code, output, error) = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", rubric, "--jobs", "2", "--out", out]
                                                              + (BatchTests.sandboxUsable ? [] : ["--no-sandbox"]))
        #expect(code == 0, "\(output.suffix(600)) \(error.suffix(600))")
        let rows = try BatchTests().gradebook(out)
        #expect(rows["alice"]?["total"] == "100", "\(rows)")
        #expect(rows["steering-gradients"]?["fc"] == "50" && rows["steering-gradients"]?["trainMLP"] == "0", "\(rows)")
    }

    /// Canned weights: the update rules return trained parameters pasted into the source (the
    /// reference's, which reach 100 %, 100 % and 94 % when the judge trains them) whatever w and dw
    /// they are sent. A solver that believed the worker's next_w held them after one iteration; the
    /// judge compares each next_w with the rule's arithmetic, so each training fails at iteration 1,
    /// in `grader run` and in `grader batch`, while the update-rule groups (honest there) keep theirs.
    @Test func cannedWeightsFromTheUpdateRulesScoreNothingOnTheTrainings() throws {
        let path = try Self.path("canned-weights")
        let (_, modular, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "adam", "--group", "overfitSmallData",
                                                         "--group", "convNetOverfit", "--group", "convNetTrain", path])
        #expect(modular.contains("adam: OK"), "\(modular.prefix(1500))")
        for group in ["overfitSmallData", "convNetOverfit", "convNetTrain"] { #expect(modular.contains("\(group): FAIL"), "\(modular.prefix(1500))") }
        #expect(modular.contains("sgd(w, dw, config) for W1 to return the rule's next_w") && modular.contains("adam(w, dw, config) for W1 to return the rule's next_w")
                && modular.contains("a next_w that differs from it at iteration 1"), "\(modular.prefix(1500))")

        let rubric = Self.folder + "/modular-short.json"
        try """
            {"exercise": "Modular", "title": "short", "examPercentage": 0, "seed": 0, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "adam", "percent": 50}, {"name": "overfitSmallData", "percent": 50}],
             "limits": {"checkTimeoutSeconds": 60, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600}}
            """.write(toFile: rubric, atomically: true, encoding: .utf8)
        // The honest student is the whole reference (the course's alice holds exercise 2's files only).
        let course = BatchTests.course("canned", ["canned-weights"])
        try? FileManager.default.removeItem(atPath: course + "/zoe")
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/reference", toPath: course + "/zoe")
        let out = Self.folder + "/canned-batch"
        let (code, output, error) = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", rubric, "--jobs", "2", "--out", out]
                                                              + (BatchTests.sandboxUsable ? [] : ["--no-sandbox"]))
        #expect(code == 0, "\(output.suffix(600)) \(error.suffix(600))")
        let rows = try BatchTests().gradebook(out)
        #expect(rows["zoe"]?["total"] == "100", "\(rows)")
        #expect(rows["canned-weights"]?["adam"] == "50" && rows["canned-weights"]?["overfitSmallData"] == "0", "\(rows)")
    }

    static func path(_ fixture: String) throws -> String { try #require(fixtures[fixture], "\(fixture) was written") }
}
