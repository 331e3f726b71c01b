import ExerciseKit
import Foundation
import GradingModel
import PluginHost
import Reports
import Testing

/// Issue 16: a crash or hang says where (file, line, the runtime's words), from a debug build's
/// rerun; one cause is one message; every compile error is shown; results stream as they come.
@Suite(.serialized) struct DiagnosticsTests {
    /// The runtime's report as swift-backtrace prints it (trimmed), for the parser alone.
    static let crashReport = """
        Submission/Optimizers.swift:25: Fatal error: Unexpectedly found nil while unwrapping an Optional value

        *** Program crashed: Illegal instruction at 0x00007fb92916df7f ***

        Thread 0 "grader" crashed:

          0                0x00007fb92916df7f closure #1 in closure #1 in _assertionFailure(_:_:file:line:flags:) + 623 in libswiftCore.so
          1 [ra]           0x00007fb9292f961f _assertionFailure(_:_:file:line:flags:) + 302 in libswiftCore.so
          2 [ra]           0x00007fb928c91100 SgdWithMomentum.calculateUpdate(weightTensor:gradientTensor:) + 383 in libSubmission.so at /var/tmp/grader-run-1/submission/Sources/Submission/Optimizers.swift:25:23
          3 [ra]           0x00005599dae5b07c static WorkerLoop.run(libraryPath:limits:) + 1147 in grader at /work/main/Sources/Worker/WorkerLoop.swift:69:50

        Backtrace took 0.38s
        """

    @Test func theInnermostFrameOfTheSubmissionIsItsLocation() throws {
        let location = try #require(BacktraceReport.location(in: Self.crashReport, stillRunning: false))
        #expect(location.line == 25 && location.function == "SgdWithMomentum.calculateUpdate(weightTensor:gradientTensor:)")
        #expect(location.runtimeMessage == "Fatal error: Unexpectedly found nil while unwrapping an Optional value")
        #expect(BacktraceReport.relative(location.file, to: ["Package.swift", "Sources/Submission/Optimizers.swift"])
                == "Sources/Submission/Optimizers.swift")
        // Only the submission's library counts: the runtime's and the grader's frames never do.
        let withoutSubmission = Self.crashReport.replacingOccurrences(of: "libSubmission.so", with: "libOther.so")
        #expect(BacktraceReport.location(in: withoutSubmission, stillRunning: false) == nil)
        // Text from the student's process: a flood of junk is bounded and yields nothing.
        #expect(BacktraceReport.location(in: String(repeating: "Thread 0 crashed: in libSubmission.so at :x:\n", count: 50_000), stillRunning: true) == nil)
    }

    @Test func everyCompileErrorIsShownByFileWithTheCompilersNotes() throws {
        #expect {
            _ = try TestSupport.builder().build(submissionAt: TestSupport.repository + "/submissions/compile-error", abiVersion: ExerciseKitABI.version)
        } throws: { error in
            guard case GradingFailure.compileFailed(let summary) = error else { return false }
            let lines = summary.split(separator: "\n").map(String.init)
            let initializers = lines.firstIndex { $0.hasPrefix("Sources/Submission/Initializers.swift:5:") && $0.contains("error: type 'Constant' does not conform to protocol 'Initializer'") }
            let optimizers = lines.firstIndex { $0.hasPrefix("Sources/Submission/Optimizers.swift:6:") && $0.contains("error: cannot convert value of type 'String'") }
            return lines.first == "2 errors in 2 files:" && initializers != nil && optimizers != nil && initializers! < optimizers!
                && summary.contains("note: protocol requires function 'initialize(weightsShape:fanIn:fanOut:)'")
                && summary.contains("let learningRate: Double = \"fast\"")
        }
    }

    @Test(arguments: [
        ("force-unwrap", "sgdWithMomentum", "Optimizers.swift:25, in SgdWithMomentum.calculateUpdate(weightTensor:gradientTensor:)",
         "Fatal error: Unexpectedly found nil while unwrapping an Optional value"),
        ("trapping", "adam", "Optimizers.swift:33, in Adam.calculateUpdate(weightTensor:gradientTensor:)", "Fatal error: Index out of range"),
        ("shape-mismatch", "sgd", "Optimizers.swift:10, in Sgd.calculateUpdate(weightTensor:gradientTensor:)", "Fatal error: Shapes [] and [3] differ"),
    ])
    func aCrashNamesTheStudentsLineAndTheRuntimesWords(sample: String, check: String, site: String, words: String) throws {
        let run = try TestSupport.runGrader(["run", "--group", "TestOptimizers2", "--check", check, "submissions/\(sample)"])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("crashed: SIGILL"), "the verdict is the release run's: \(run.output)")
        #expect(run.output.contains("where:    Sources/Submission/\(site) (this check rerun on a debug build)"), "\(run.output)")
        #expect(run.output.contains("runtime:  \(words)"), "\(run.output)")
        if sample == "shape-mismatch" {
            #expect(run.output.contains("last output:\n        ExerciseKit/Tensor+Arithmetic.swift:15: \(words)"),
                    "ExerciseKit's own message survives -O in the release run: \(run.output)")
        }
    }

    /// The endless loop: located, its two checks one cause, and the first group's result on the
    /// terminal while the loop still runs.
    @Test func anEndlessLoopIsLocatedGroupedAndTheFirstResultsStreamBeforeItsTimeout() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        process.arguments = TestSupport.graderArguments(["run", "--group", "TestOptimizers2", "--group", "TestFlatten", "submissions/endless-loop"])
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        var environment = ProcessInfo.processInfo.environment
        environment["GRADER_CACHE"] = TestSupport.cacheDirectory
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // stderr line by line with the time each arrived.
        nonisolated(unsafe) var arrivals: [(line: String, at: Date)] = []
        let lock = NSLock()
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lock.withLock { arrivals.append((line, Date())) }
                }
            }
        }
        reader.start()
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        while reader.isExecuting { usleep(10_000) }
        let lines = lock.withLock { arrivals }
        let group = try #require(lines.first { $0.line.contains("TestOptimizers2: 1/3 checks passed") }, "\(lines.map(\.line))")
        let timedOut = try #require(lines.first { $0.line.contains("✗ TestFlatten.flattenForward") }, "\(lines.map(\.line))")
        // TestFlatten works on small inputs: its checks get a tenth of the rubric's 10 s.
        #expect(timedOut.at.timeIntervalSince(group.at) > 0.8, "the first group's result came when the loop's 1 s limit ran out, not before")
        let log = lines.map(\.line).joined(separator: "\n")
        // The loop is lines 14–15; each check's sample falls on one of them.
        #expect(output.contains(/\[1\] 2 checks: timed out: still running in Flatten.forward\(_:\) at Sources\/Submission\/Flatten.swift:(14|15|14,15) after 1 s/), "\(output)\n\(log)")
        #expect(output.contains("  ✗ flattenForward, flattenBackward → [1]"), "\(output)\n\(log)")
    }

    @Test func theSkeletonsReportNamesEachCauseOnce() throws {
        let run = try TestSupport.runGrader(["run", "submissions/skeleton"])
        let lines = run.output.split(separator: "\n")
        #expect(lines.count < 120, "the skeleton's report was 740–868 lines of one repeated cause (issue 16): \(lines.count)")
        let causes = lines.filter { $0.hasPrefix("  [") }
        #expect(causes.count >= 10 && Set(causes.map { $0.split(separator: ":", maxSplits: 1)[1] }).count == causes.count,
                "\(causes)")
        #expect(run.output.contains("checks: not implemented: Conv.forward"))
        #expect(lines.filter { $0.contains("not implemented: Conv.forward") }.count == 1)
    }

    @Test func aPassingSubmissionBuildsNoDebugBuild() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("no-debug-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let run = try TestSupport.runCommand(TestSupport.graderExecutable, TestSupport.graderArguments(["run", "--group", "TestOptimizers2", "reference"]),
                                             environment: ["GRADER_CACHE": cache])
        #expect(run.code == 0, "\(run.error)")
        let builds = try FileManager.default.contentsOfDirectory(atPath: cache).filter { !$0.hasPrefix(".") }
        #expect(builds.count == 1, "only the release build: debug builds happen after a crash or hang (\(builds))")
    }

    @Test func causesAreSharedOnlyByTheSameSiteOrWords() {
        func result(_ name: String, _ status: CheckStatus, _ message: String) -> CheckResult {
            CheckResult(group: "G", name: name, status: status, message: message)
        }
        let results = [
            result("a", .errored, "timed out: 10 s of CPU used in forward\nwhere:    still running in F at A.swift:3 after 10 s (this check rerun on a debug build)"),
            // One loop, sampled on two of its lines (CI saw this): one cause.
            result("b", .errored, "timed out: 10 s of CPU used in backward\nwhere:    still running in F at A.swift:2 after 10 s (this check rerun on a debug build)"),
            result("g", .errored, "timed out: 10 s of CPU used in forward\nwhere:    still running in G at A.swift:3 after 10 s (this check rerun on a debug build)"),
            result("c", .failed, "expected: 1\ngot:      2"),
            result("d", .failed, "expected: 1\ngot:      2"),
            result("e", .failed, "not implemented: X.y"),
            result("f", .passed, ""),
        ]
        let causes = SharedCause.find(in: results)
        #expect(causes.count == 1, "wrong values are each their own, one not-implemented is not shared, another function's hang is its own: \(causes)")
        #expect(causes.first?.checks.map(\.name) == ["a", "b"])
        #expect(causes.first?.title == "timed out: still running in F at A.swift:2,3 after 10 s")
    }
}
