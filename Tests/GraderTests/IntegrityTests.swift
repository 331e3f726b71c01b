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

    /// NaN and inf travel: a diverging hw5 training says where its loss stopped being finite, at once.
    @Test func aDivergingTrainingSaysWhere() throws {
        let (_, output, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/hw5.json", "--group", "trainMLP", Self.fixtures["nan-training"] ?? ""])
        #expect(output.contains("your loss became inf at iteration") || output.contains("your loss became nan at iteration"), "\(output.prefix(800))")
    }

    /// The loss curve comes from the worker, so it must be the loss of the weights that came back:
    /// a constant hw5 loss (with honest gradients, which would train to full marks) and a modular
    /// loss offset by 1.5 both fail their trainings, saying so; the reference's pass.
    @Test func aTrainingLossThatIsNotTheWeightsLossFails() throws {
        let path = try Self.path("lying-training-loss")
        let (_, mlp, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/hw5.json", "--group", "trainMLP", path])
        #expect(mlp.contains("trainMLP: FAIL") && mlp.contains("the same loss, 1.0, at every one of 10000 iterations"), "\(mlp.prefix(1200))")
        let (_, conv, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "convNetOverfit", path])
        #expect(conv.contains("convNetOverfit: FAIL") && conv.contains("the trained weights' loss on the first 100 images it trained on"), "\(conv.prefix(1200))")
        let (_, honest, _) = try TestSupport.runGrader(["run", "--rubric", "rubric/modular.json", "--group", "convNetOverfit", TestSupport.repository + "/reference"])
        #expect(honest.contains("convNetOverfit: OK"), "\(honest.prefix(1200))")
    }

    static func path(_ fixture: String) throws -> String { try #require(fixtures[fixture], "\(fixture) was written") }
}
