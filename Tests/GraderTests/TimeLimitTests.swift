import Foundation
import Testing

/// Time limits count the submission's own CPU time: the same submission gets the same grade alone
/// and on a machine whose cores are taken by other work (issue 15's slow-but-correct conv).
@Suite(.serialized) struct TimeLimitTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("time-\(UUID().uuidString)").path

    /// The reference with an Sgd that is correct but burns about 0.6 s of CPU per call (the sgd
    /// check calls it twice: ~1.3 s alone, against a 3 s limit).
    static func slowButCorrect() throws -> String {
        try TestSupport.referenceWithSgd(in: base + "/slow", replacement: """
                    // Correct but slow: a sequential floating-point sum (not vectorizable), ~0.6 s a call here.
                    var noise = 0.0
                    for i in 0..<900_000_000 { noise += Double(i & 7) * 1e-300 }
                    return weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g + noise * 0 }

            """)
    }

    /// One group, checks limited to 3 s (TestOptimizers2 works on small inputs: a tenth of 30 s).
    static func rubric() throws -> String {
        let path = base + "/rubric.json"
        try """
            {"exercise": "Ex2", "title": "time limits", "examPercentage": 3, "seed": 1337, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "TestOptimizers2", "percent": 100}],
             "limits": {"checkTimeoutSeconds": 30, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The sgd check's result and wall seconds from `grader run --timings`.
    func gradeSgd(_ folder: String, rubric: String) throws -> (passed: Bool, seconds: Double, output: String) {
        let run = try TestSupport.runGrader(["run", "--rubric", rubric, "--check", "sgd", "--timings", folder])
        let line = run.error.split(separator: "\n").first { $0.hasPrefix("timing check TestOptimizers2.sgd ") }
        let seconds = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
        return (run.output.contains("TestOptimizers2: OK"), seconds, run.output + run.error)
    }

    @Test func aSlowButCorrectSubmissionGetsTheSameGradeUnderLoad() throws {
        let (folder, rubric) = (try Self.slowButCorrect(), try Self.rubric())
        let alone = try gradeSgd(folder, rubric: rubric)
        #expect(alone.passed, "alone: \(alone.output)")
        // Eight busy loops on this machine's cores: the check gets a fraction of a core.
        let hogs = (0..<8).map { _ in
            let hog = Process()
            hog.executableURL = URL(fileURLWithPath: "/bin/sh")
            hog.arguments = ["-c", "while :; do :; done"]
            return hog
        }
        for hog in hogs { try hog.run() }
        defer { for hog in hogs { kill(hog.processIdentifier, SIGKILL); hog.waitUntilExit() } }
        let loaded = try gradeSgd(folder, rubric: rubric)
        #expect(loaded.passed, "under load: \(loaded.output)")
        // The load took the check past its 3 s in wall-clock time: a wall-clock limit would have failed
        // it. (Alone it is within its CPU limit by passing; its wall time depends on what else runs:
        // in a full test run other suites share the cores.)
        #expect(loaded.seconds > 3 && loaded.seconds > alone.seconds, "alone \(alone.seconds) s, loaded \(loaded.seconds) s")
    }
}
