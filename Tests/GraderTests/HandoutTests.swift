import Archive
import Foundation
import Testing

/// Issue 10: the student kit and the Gradescope autograder, built from this checkout and used
/// outside it.
@Suite(.serialized) struct HandoutTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("handout-\(UUID().uuidString)").path

    /// Every regular file under `folder`, relative.
    static func files(under folder: String) -> [String] {
        ((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(folder)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    static func contents(_ path: String) -> Data { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }

    @Test func theKitHoldsNothingHiddenAndGradesTheSkeletonWithItsOwnTwoCommands() throws {
        let kit = Self.base + "/kit"
        let made = try TestSupport.runGrader(["kit", "--rubric", "exercise2", "--out", kit, "--zip", Self.base + "/kit.zip"])
        #expect(made.code == 0, "\(made.error)")
        let inKit = Self.files(under: kit)
        for expected in ["README.md", "Package.swift", "skeleton/Package.swift", "skeleton/Sources/Submission/Registration.swift",
                         "ExerciseKit/Package.swift", "rubric/exercise2.json", "rubric/data/iris/iris.csv", "rubric/data/digits/digits.csv",
                         "rubric/data/iris/PROVENANCE.md", "Sources/GraderCommands/Run.swift"] {
            #expect(inKit.contains(expected), "\(expected) is missing from the kit")
        }
        // Nothing of the reference (by content, wherever it would be), no hidden rubric, no samples, no tests.
        // (Registration.swift is the skeleton's too: public.)
        let skeletonFiles = Set(Self.files(under: TestSupport.repository + "/submissions/skeleton").map { Self.contents(TestSupport.repository + "/submissions/skeleton/" + $0) })
        let referenceFiles = Set(Self.files(under: TestSupport.repository + "/reference").filter { $0.hasSuffix(".swift") }
            .map { Self.contents(TestSupport.repository + "/reference/" + $0) }).subtracting(skeletonFiles)
        let leaked = inKit.filter { referenceFiles.contains(Self.contents("\(kit)/\($0)")) }
        #expect(leaked.isEmpty, "reference files in the kit: \(leaked)")
        #expect(!inKit.contains { $0.hasPrefix("reference") || $0.contains("course-hidden") || $0.hasPrefix("submissions") || $0.hasPrefix("Tests") || $0.contains("mnist") },
                "\(inKit.filter { $0.hasPrefix("reference") || $0.contains("course-hidden") || $0.hasPrefix("submissions") || $0.hasPrefix("Tests") })")
        #expect(!String(decoding: Self.contents("\(kit)/Package.swift"), as: UTF8.self).contains("testTarget"))
        #expect(FileManager.default.fileExists(atPath: Self.base + "/kit.zip"))
        // A hidden rubric is refused.
        let hidden = try TestSupport.runGrader(["kit", "--rubric", "course-hidden", "--out", Self.base + "/hidden-kit"])
        #expect(hidden.code == 64 && hidden.error.contains("is not public"), "\(hidden.error)")

        // The student's side, as the kit's README says: the skeleton builds on its own, the grader
        // builds from the kit, and grades the skeleton and a correct submission.
        let swift = "/usr/bin/env"
        let skeleton = try TestSupport.runCommand(swift, ["swift", "build"], in: kit + "/skeleton")
        #expect(skeleton.code == 0, "swift build in the kit's skeleton: \(skeleton.error.suffix(2000))")
        let build = try TestSupport.runCommand(swift, ["swift", "build", "-c", "release"], in: kit)
        #expect(build.code == 0, "swift build -c release in the kit: \(build.error.suffix(2000))")
        let environment = ["GRADER_CACHE": Self.base + "/kit-cache"]
        let graded = try TestSupport.runCommand(kit + "/.build/release/grader", ["run", "--no-sandbox", "--bonus", "--rubric", "exercise2", "skeleton"], in: kit, environment: environment)
        #expect(graded.code == 0, "\(graded.error)")
        #expect(graded.output.contains("TestOptimizers2: FAIL") && graded.output.contains("not implemented"), "\(graded.output)")
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: Self.base + "/student-reference")
        let correct = try TestSupport.runCommand(kit + "/.build/release/grader", ["run", "--no-sandbox", "--rubric", "exercise2", Self.base + "/student-reference"], in: kit, environment: environment)
        #expect(correct.code == 0 && !correct.output.contains("FAIL"), "\(correct.output)")
    }

    /// Gradescope's fields, checked on a results.json.
    static func validate(_ path: String) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: Self.contents(path)) as? [String: Any], "\(path) is not JSON")
        #expect(json["score"] is Double || json["score"] is Int, "\(json)")
        for key in ["execution_time", "output", "visibility", "stdout_visibility", "tests"] { #expect(json[key] != nil, "no \(key) in \(path)") }
        for test in (json["tests"] as? [[String: Any]]) ?? [] {
            for key in ["name", "number", "score", "max_score", "status", "output", "visibility", "tags"] { #expect(test[key] != nil, "no \(key) in a test of \(path)") }
            #expect(["passed", "failed"].contains(test["status"] as? String ?? ""))
        }
        return json
    }

    /// As root, run_autograder grades in the sandbox, whose users must reach the grader (not in a
    /// 0700 `mktemp -d` clone; see TestSupport.graderArguments).
    @Test(.enabled(if: getuid() != 0 || TestSupport.sandboxReachable))
    func theGradescopeAutograderAlwaysWritesResults() throws {
        let zip = Self.base + "/autograder.zip"
        let made = try TestSupport.runGrader(["gradescope", "--rubric", "course-hidden", "--reference", "reference", "--out", zip])
        #expect(made.code == 0, "\(made.error)")
        let root = Self.base + "/autograder"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let extractor = SafeExtractor(limits: .init(maxEntries: 5_000, maxEntryBytes: 64 << 20, maxTotalBytes: 512 << 20, maxCompressionRatio: 1_000))
        _ = try extractor.extract(zipPath: zip, into: root + "/source")
        for expected in ["setup.sh", "run_autograder", "Package.swift", "rubric/course-hidden.json", "rubric/exercise2.json", "reference/Sources/Submission/Conv.swift"] {
            #expect(FileManager.default.fileExists(atPath: "\(root)/source/\(expected)"), "\(expected) is missing from the autograder")
        }
        // A hostile zip: an entry that climbs out of the folder.
        let hostile = Self.base + "/hostile.zip"
        let writer = try ZipWriter(path: hostile)
        try writer.add(name: "../../escape.swift", data: Data("let x = 1\n".utf8))
        try writer.close()

        func grade(_ submission: String, grader: String = TestSupport.graderExecutable) throws -> [String: Any] {
            let folder = root + "/submission"
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: root + "/results")
            if submission.hasSuffix(".zip") {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: submission, toPath: folder + "/submission.zip")
            } else {
                try GraderSourcesCopy.copyFolder(submission, to: folder)
            }
            let run = try TestSupport.runCommand("/bin/bash", [root + "/source/run_autograder"], in: root,
                                   environment: ["AUTOGRADER_ROOT": root, "GRADER_BIN": grader, "GRADER_CACHE": TestSupport.cacheDirectory])
            #expect(run.code == 0, "run_autograder: \(run.error)")
            return try Self.validate(root + "/results/results.json")
        }
        let reference = try grade(TestSupport.repository + "/reference")
        #expect(reference["score"] as? Double == 120 && reference["max_score"] as? Double == 120, "\(reference["output"] ?? "")")
        let hiddenTests = ((reference["tests"] as? [[String: Any]]) ?? []).filter { ($0["name"] as? String)?.hasPrefix("HiddenConv") == true }
        #expect(!hiddenTests.isEmpty && hiddenTests.allSatisfy { $0["visibility"] as? String == "hidden" }, "hidden groups keep the rubric's visibility")
        let skeleton = try grade(TestSupport.repository + "/submissions/skeleton")
        #expect((skeleton["score"] as? Double ?? (skeleton["score"] as? Int).map(Double.init)) == 0)
        let broken = try grade(TestSupport.repository + "/submissions/compile-error")
        #expect((broken["score"] as? Double) == 0 && (broken["output"] as? String ?? "").contains("does not compile")
                && (broken["output"] as? String ?? "").contains("Optimizers.swift:6:"), "\(broken["output"] ?? "")")
        let unsafe = try grade(hostile)
        #expect((unsafe["score"] as? Double) == 0 && (unsafe["output"] as? String ?? "").contains("cannot be unpacked safely"), "\(unsafe["output"] ?? "")")
        // The harness itself broken: still a results.json, 0 and the reason.
        let missing = try grade(TestSupport.repository + "/reference", grader: Self.base + "/no-such-grader")
        #expect((missing["score"] as? Int) == 0 && (missing["output"] as? String ?? "").contains("the grader is not built"), "\(missing)")
    }

    /// Issue 10, item 5: the packed grader works when its folder is moved away from the checkout,
    /// sandboxed (as root) with its own ExerciseKit and rubrics; a launcher copied alone says what
    /// to copy instead of a loader error.
    @Test func thePackedGraderWorksWhereverItsFolderIsCopied() throws {
        let build = URL(fileURLWithPath: TestSupport.graderExecutable).deletingLastPathComponent().path
        let packed = Self.base + "/dist"
        let made = try TestSupport.runCommand("/bin/bash", ["scripts/make-dist.sh", build, packed])
        #expect(made.code == 0, "\(made.error)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: packed).first { !$0.hasSuffix(".tar.gz") })
        #expect(FileManager.default.fileExists(atPath: "\(packed)/\(name).tar.gz"))
        // Moved: nothing above it is the checkout.
        let moved = Self.base + "/elsewhere/\(name)"
        try FileManager.default.createDirectory(atPath: Self.base + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: "\(packed)/\(name)", toPath: moved)
        let inKit = Self.files(under: moved)
        #expect(!inKit.contains { $0.hasPrefix("reference") || $0.hasPrefix("submissions") || $0.hasPrefix("Sources") }, "\(inKit)")
        let submission = Self.base + "/elsewhere/solution"
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: submission)
        let environment = ["GRADER_HOME": "/nonexistent", "GRADER_EXERCISEKIT_DIR": "/nonexistent", "GRADER_CACHE": Self.base + "/dist-cache"]
        let run = try TestSupport.runCommand("\(moved)/bin/grader", TestSupport.graderArguments(["run", "--group", "TestOptimizers2", "--group", "TestFlatten", submission]),
                                             in: Self.base + "/elsewhere", environment: environment)
        #expect(run.code == 0 && run.output.contains("TestOptimizers2: OK (3/3 checks passed)") && run.output.contains("TestFlatten: OK (3/3 checks passed)"), "\(run.output)\n\(run.error)")
        let rubric = try TestSupport.runCommand("\(moved)/bin/grader", ["rubric", "check", "hw5"], in: "/", environment: environment)
        #expect(rubric.code == 0 && rubric.output.contains("\(moved)/rubric/hw5.json"), "the bundled rubrics are found by name: \(rubric.output)\(rubric.error)")
        // The launcher copied on its own.
        try FileManager.default.copyItem(atPath: "\(moved)/bin/grader", toPath: Self.base + "/elsewhere/grader")
        let alone = try TestSupport.runCommand(Self.base + "/elsewhere/grader", ["--version"], environment: environment)
        #expect(alone.code == 1 && alone.error.contains("copy the whole \(name) folder"), "\(alone.error)")
    }
}

/// A plain recursive copy for the tests (FileManager's copyItem refuses an existing target).
enum GraderSourcesCopy {
    static func copyFolder(_ source: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        try? FileManager.default.removeItem(atPath: target + "/.build")
    }

}
