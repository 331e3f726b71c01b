import ExerciseKit
import Foundation
import Testing

/// The `grader run` command as a student and a TA call it.
@Suite(.serialized) struct RunCommandTests {
    @Test func jsonOutputIsGradescopeResults() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "--bonus", "--format", "json", "reference"])
        #expect(code == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["max_score"] as? Double == 100)
        let tests = try #require(json["tests"] as? [[String: Any]])
        let optimizers = try #require(tests.first { $0["name"] as? String == "TestOptimizers2" })
        #expect(optimizers["score"] as? Double == 8)
        #expect(optimizers["status"] as? String == "passed")
        for test in tests {
            for key in ["name", "score", "max_score", "status", "output", "visibility"] {
                #expect(test[key] != nil, "test entry lacks \(key)")
            }
        }
    }

    @Test func bonusTableShowsSkeletonFailing() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "--bonus", "submissions/skeleton"])
        #expect(code == 0, "a failing submission is still a completed run")
        #expect(output.contains("| 0     | TestOptimizers2     | FAIL     | 0 / 8 (%)"))
        #expect(output.contains("| Ex2   | Total Achieved      |          | 0 / 100 (%)"))
        #expect(output.contains("reproduce: grader run --group TestOptimizers2 --check adam submissions/skeleton"))
    }

    @Test func aMissingPathIsAUsageError() throws {
        let (code, _, error) = try TestSupport.runGrader(["run", "/no/such/folder"])
        #expect(code == 64)
        #expect(error.contains("PATH '/no/such/folder' does not exist"))
    }

    @Test func anUnknownGroupIsAUsageError() throws {
        let (code, _, error) = try TestSupport.runGrader(["run", "--group", "TestNothing", "reference"])
        #expect(code == 64)
        #expect(error.contains("--group 'TestNothing' is not a test group"))
    }

    /// A hidden rubric without --reference is the TA's invocation error: exit 64 before any compile
    /// (the compile-error sample would otherwise be reported "not gradable", exit 2).
    @Test func aDifferentialRubricWithoutReferenceIsAUsageError() throws {
        let (code, output, error) = try TestSupport.runGrader(["run", "--rubric", "hw5-hidden", "submissions/compile-error"])
        #expect(code == 64, "\(error.suffix(400))")
        #expect(error.contains("--rubric hw5-hidden compares with the reference (HiddenFunctional): give --reference FOLDER"), "\(error.suffix(400))")
        #expect(!output.contains("NOT GRADED"))
        // Selecting only public groups of that rubric needs no reference.
        let (publicCode, _, publicError) = try TestSupport.runGrader(["run", "--rubric", "hw5-hidden", "--group", "relu", "reference"])
        #expect(publicCode == 0, "\(publicError.suffix(400))")
    }

    @Test func aCompileErrorIsReportedNotCrashed() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "submissions/compile-error"])
        #expect(code == 2, "not gradable has its own exit code")
        #expect(output.contains("NOT GRADED: the submission does not compile"))
    }

    /// An autograder parses stdout: an unsafe zip is a 0 with the reason, as results.json.
    @Test func jsonOutputOfAnUnsafeZipIsStillResultsJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unsafe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let empty = folder + "/empty.zip"
        try Data([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)).write(to: URL(fileURLWithPath: empty))
        for zip in [empty, folder + "/not-a-zip.zip"] {
            if zip.hasSuffix("not-a-zip.zip") { try "hello".write(toFile: zip, atomically: true, encoding: .utf8) }
            let (code, output, _) = try TestSupport.runGrader(["run", "--format", "json", zip])
            #expect(code == 2)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            #expect(json["score"] as? Double == 0 && json["max_score"] as? Double == 100)
            #expect((json["output"] as? String)?.contains("Not graded:") == true, "\(json)")
        }
    }

    @Test func wrongInvocationsAreSentencesWithTheFix() throws {
        let check = try TestSupport.runGrader(["run", "--group", "TestFlatten", "--check", "fowrard", "reference"])
        #expect(check.code == 64 && check.error.contains("--check 'fowrard' is not a check of TestFlatten; checks: trainable, flattenForward, flattenBackward"),
                "\(check.error)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("a-file-\(UUID().uuidString)").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        for arguments in [["run", "--report-dir", file, "reference"], ["train", "--out", file, "reference"],
                          ["batch", "submissions", "--rubric", "exercise2", "--out", file]] {
            let run = try TestSupport.runGrader(arguments)
            #expect(run.code == 64 && run.error.contains("is a file, not a folder: give a folder"), "\(arguments): \(run.error)")
        }
        let version = try TestSupport.runGrader(["--version"])
        #expect(version.code == 0 && version.output.hasPrefix("grader ") && version.output.contains("ExerciseKit ABI \(ExerciseKitABI.version)"))
        let help = try TestSupport.runGrader(["--help"])
        #expect(help.output.contains("GRADER_CACHE") && help.output.contains("Exit codes"))
        for command in ["run", "check", "train", "batch", "dispatch", "rubric check"] {
            let sub = try TestSupport.runGrader(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(sub.output.contains("Exit codes") && sub.output.contains("64"), "\(command) --help lists its exit codes")
        }
        // A bundled rubric by name, from a folder that is not the repository.
        let elsewhere = Process()
        elsewhere.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        elsewhere.arguments = ["rubric", "check", "hw5"]
        elsewhere.currentDirectoryURL = URL(fileURLWithPath: "/")
        elsewhere.standardOutput = FileHandle.nullDevice
        try elsewhere.run()
        elsewhere.waitUntilExit()
        #expect(elsewhere.terminationStatus == 0)
    }

    @Test func trainTakesZipsAndSaysWhenItCannotTrain() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let none = try TestSupport.runGrader(["train", "--out", empty + "/out", empty])
        #expect(none.code == 2 && none.output.contains("NOT TRAINED: no Swift sources found"), "\(none.output)\(none.error)")
        // The skeleton compiles but every function throws: nothing is written, and the exit code says so.
        let zip = empty + "/skeleton.zip"
        _ = try TestSupport.runProgram("dispatch", ["--input", "submissions/skeleton", "--output", zip, "--no-build", "--yes"])
        let skeleton = try TestSupport.runGrader(["train", "--model", "mlp", "--out", empty + "/out", zip])
        #expect(skeleton.code == 2 && skeleton.output.contains("mlp.npz: not written, training failed"), "\(skeleton.output)\(skeleton.error)")
        #expect(!FileManager.default.fileExists(atPath: empty + "/out/mlp.npz"))
    }
}
