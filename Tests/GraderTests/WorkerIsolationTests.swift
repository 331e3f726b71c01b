import ExerciseKit
import Checks
import Foundation
import GradingModel
import PluginHost
import Testing

/// Integration: real compiles, real worker processes, real crashes.
@Suite(.serialized) struct WorkerIsolationTests {
    static let spineGroups = ["TestOptimizers2", "TestInitializers", "TestFlatten"]
    static var spineChecks: [String] {
        spineGroups.flatMap { group in CheckCatalog.group(named: group)!.checks.map { "\(group).\($0.name)" } }
    }

    @Test func referencePassesEverySpineCheck() throws {
        let supervisor = try TestSupport.supervisor(for: "reference")
        for id in Self.spineChecks {
            let result = try supervisor.run(check: id, seed: 1337)
            #expect(result.status == .passed, "\(id): \(result.message)")
        }
        #expect(supervisor.contracts.contains("Conv"))
        #expect(supervisor.workersStarted == 1)
    }

    @Test func skeletonFailsEveryCheckWithNotImplemented() throws {
        let supervisor = try TestSupport.supervisor(for: "submissions/skeleton")
        for id in Self.spineChecks where !id.hasSuffix(".trainable") {
            let result = try supervisor.run(check: id, seed: 1337)
            #expect(result.status == .failed)
            #expect(result.message.hasPrefix("not implemented: "), "\(id): \(result.message)")
        }
    }

    @Test func aTrapInAdamCostsOnlyThatCheck() throws {
        let supervisor = try TestSupport.supervisor(for: "submissions/trapping")
        let results = try ["sgd", "adam", "sgdWithMomentum"].map {
            try supervisor.run(check: "TestOptimizers2.\($0)", seed: 1337)
        }
        #expect(results.map(\.status) == [.passed, .errored, .passed])
        #expect(results[1].message.hasPrefix("crashed: SIGILL"))
        #expect(results[1].message.contains("Adam: about to read moments[1]"), "the submission's last print is kept")
        #expect(supervisor.workersStarted == 2, "a fresh worker ran the check after the crash")
    }

    @Test func anEndlessLoopIsStoppedByTheTimeout() throws {
        let supervisor = try TestSupport.supervisor(for: "submissions/hanging", checkTimeout: 1)
        let start = Date()
        let hung = try supervisor.run(check: "TestOptimizers2.sgd", seed: 1337)
        #expect(hung.status == .errored)
        #expect(hung.message.hasPrefix("timed out: 1 s of CPU used"), "\(hung.message)")
        // 1 s of the worker's CPU: seconds of wall time when other suites' busy loops share the
        // cores (TimeLimitTests), never the wall-clock backstop's 13 s.
        #expect(Date().timeIntervalSince(start) < ProcessTreeCPU.wallBackstop(cpuSeconds: 1))
        let next = try supervisor.run(check: "TestOptimizers2.adam", seed: 1337)
        #expect(next.status == .passed, "\(next.message)")
    }

    /// The worker refuses new processes and programs to the submission (seccomp); its threads work.
    @Test func aSubmissionCannotStartAProcessButCanStartAThread() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spawner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A wrong update when the spawn got through or the thread never ran.
        _ = try TestSupport.referenceWithSgd(in: folder, replacement: """
                    var pid: pid_t = 0
                    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
                    let spawned = posix_spawn(&pid, "/bin/true", nil, nil, argv, nil) == 0
                    let done = DispatchSemaphore(value: 0)
                    Thread { done.signal() }.start()
                    let threadRan = done.wait(timeout: .now() + 5) == .success
                    print("spawned: \\(spawned), thread ran: \\(threadRan)")
                    return weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g + (spawned || !threadRan ? 1 : 0) }

            """, imports: "import Foundation\n")
        let supervisor = try TestSupport.supervisor(atPath: folder)
        let result = try supervisor.run(check: "TestOptimizers2.sgd", seed: 1337)
        #expect(result.status == .passed, "\(result.message)")
    }

    @Test func compileErrorsNameTheFileAndLine() throws {
        #expect {
            _ = try TestSupport.builder().build(
                submissionAt: TestSupport.repository + "/submissions/compile-error", abiVersion: ExerciseKitABI.version)
        } throws: { error in
            guard case GradingFailure.compileFailed(let summary) = error else { return false }
            return summary.contains("Sources/Submission/Optimizers.swift:6:") && summary.contains("error:")
        }
    }

    @Test func aMissingEntryPointIsExplained() throws {
        #expect {
            _ = try TestSupport.builder().build(
                submissionAt: TestSupport.repository + "/Tests/Fixtures/submissions/no-entry-point", abiVersion: ExerciseKitABI.version)
        } throws: { error in
            guard case GradingFailure.compileFailed(let summary) = error else { return false }
            return summary.contains("registerSubmission")
        }
    }

    @Test func aFolderWithoutSourcesIsNotASubmission() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: GradingFailure.noSources(path: empty)) {
            _ = try TestSupport.builder().build(submissionAt: empty, abiVersion: ExerciseKitABI.version)
        }
    }

    @Test func theBuildIsCachedByContent() throws {
        let builder = try TestSupport.builder()
        let first = try builder.build(submissionAt: TestSupport.repository + "/submissions/partial", abiVersion: ExerciseKitABI.version)
        let second = try builder.build(submissionAt: TestSupport.repository + "/submissions/partial", abiVersion: ExerciseKitABI.version)
        #expect(second.libraryPath == first.libraryPath)
        #expect(second.compileSeconds == 0)
        #expect(first.sources.contains("Sources/Submission/Exercise2/Optimizers.swift"))
        #expect(!first.sources.contains("Package.swift"))
    }
}
