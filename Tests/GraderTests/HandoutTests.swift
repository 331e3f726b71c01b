import Archive
import Foundation
@testable import PluginHost
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
        // The handout holds its exercise's folder only, registered by its own Registration.swift.
        #expect(inKit.contains("skeleton/Sources/Submission/Exercise2/Conv.swift"))
        #expect(!inKit.contains { $0.hasPrefix("skeleton/Sources/Submission/HW5") || $0.hasPrefix("skeleton/Sources/Submission/Modular") },
                "\(inKit.filter { $0.hasPrefix("skeleton/Sources/Submission/") })")
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

        // The student's side, as the kit's README says: the skeleton builds on its own.
        let swift = "/usr/bin/env"
        let skeleton = try TestSupport.runCommand(swift, ["swift", "build"], in: kit + "/skeleton")
        #expect(skeleton.code == 0, "swift build in the kit's skeleton: \(skeleton.error.suffix(2000))")
        // The kit's grader builds and grades: `kitsHoldNoOracleAndGradeAsTheFullGraderWithRecordedCases`.
    }

    /// The harness's own implementation, by the declarations a kit must not hold.
    static let oracleDeclarations = ["enum FunctionalOracle", "enum ModularOracle", "struct TrainingVerifier", "enum ModularVerifier",
                                     "enum DifferentialProbes", "enum ModularProbes", "struct LiveOracles"]

    /// Issue 26: kits for hw5 and the modular exercise hold no implementation of the exercise (no
    /// oracle, no probe), ship the data their checks read, and grade with the public checks'
    /// answers recorded from the reference, as the full grader grades: the same points, check by
    /// check, for the reference, the skeleton and a partial submission.
    @Test func kitsHoldNoOracleAndGradeAsTheFullGraderWithRecordedCases() throws {
        let oracleFiles = Self.files(under: TestSupport.repository + "/Sources/Checks/Oracles")
        #expect(oracleFiles.contains("FunctionalOracle.swift") && oracleFiles.contains("ModularOracle.swift"), "\(oracleFiles)")
        let oracleContents = Set(oracleFiles.map { Self.contents(TestSupport.repository + "/Sources/Checks/Oracles/" + $0) })
        var kits: [String: String] = [:]
        for rubric in ["exercise2", "hw5", "modular", "csc321", "tf2-cnn"] {
            let kit = Self.base + "/kit-" + rubric
            let made = try TestSupport.runGrader(["kit", "--rubric", rubric, "--out", kit])
            #expect(made.code == 0, "kit \(rubric): \(made.error)")
            kits[rubric] = kit
            let inKit = Self.files(under: kit)
            #expect(!inKit.contains { $0.hasPrefix("Sources/Checks/Oracles") } && inKit.contains("Sources/Checks/Support/KitWithoutOracles.swift"), "\(rubric)")
            let declaring = inKit.filter { $0.hasSuffix(".swift") }.filter { file in
                let text = String(decoding: Self.contents("\(kit)/\(file)"), as: UTF8.self)
                return Self.oracleDeclarations.contains { text.contains($0) } || oracleContents.contains(Self.contents("\(kit)/\(file)"))
            }
            #expect(declaring.isEmpty, "kit \(rubric) holds the harness's implementation in \(declaring)")
            let cases = Self.contents("\(kit)/rubric/data/recorded/cases.bin")
            if rubric != "exercise2" { #expect(cases.count > 1000, "kit \(rubric) recorded \(cases.count) bytes of answers") }
        }
        for data in ["csc321/cnn.yaml", "csc321/mlp.yaml", "digits/digits.csv"] {
            #expect(FileManager.default.fileExists(atPath: kits["csc321"]! + "/rubric/data/" + data), "the CSC321 groups read \(data)")
        }
        let cscSkeleton = Self.files(under: kits["csc321"]! + "/skeleton/Sources/Submission")
        #expect(Set(cscSkeleton) == ["Registration.swift", "CSC321/CSC321Layers.swift", "CSC321/CSC321Conv.swift", "CSC321/CSC321Registration.swift"], "\(cscSkeleton)")
        for data in ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"] {
            #expect(FileManager.default.fileExists(atPath: kits["modular"]! + "/rubric/data/" + data), "the modular trainings read \(data)")
            #expect(FileManager.default.fileExists(atPath: kits["hw5"]! + "/rubric/data/" + data), "hw5's trainings read \(data)")
        }

        // The kits' graders are one program (they differ in rubric and data): built once, from the hw5 kit.
        // A debug build, as the tests' own grader: what this test is about is what the kit holds and
        // how it grades; the same sources' cold release build is setup.sh's, tested below (two
        // release builds made this suite the longest of the run).
        let hw5Kit = kits["hw5"]!
        let build = try TestSupport.runCommand("/usr/bin/env", ["swift", "build", "--product", "grader"], in: hw5Kit)
        try #require(build.code == 0, "swift build in the hw5 kit: \(build.error.suffix(2000))")
        let kitGrader = hw5Kit + "/.build/debug/grader"
        // The same public rubrics with trainings short enough for the tests' debug grader.
        func shortened(_ rubric: String, in kit: String) throws -> String {
            var json = try #require(try JSONSerialization.jsonObject(with: Self.contents("\(kit)/rubric/\(rubric).json")) as? [String: Any])
            // A kit cannot train a TF2 shallow network (the grader trains it with its own implementation).
            if rubric == "tf2-cnn" {
                json["groups"] = (json["groups"] as? [[String: Any]] ?? []).filter { $0["name"] as? String != "tf2ShallowNetwork" }
                json["totalPercent"] = 60
            }
            json["groups"] = (json["groups"] as? [[String: Any]] ?? []).map { group in
                var group = group
                var parameters = group["parameters"] as? [String: Any] ?? [:]
                switch group["name"] as? String {
                case "trainMLP", "trainCNN": parameters.merge(["iterations": 300, "threshold": 0.5]) { $1 }
                case "convNetTrain": parameters.merge(["trainCount": 1000, "epochs": 1, "threshold": 0.5]) { $1 }
                default: break
                }
                if !parameters.isEmpty { group["parameters"] = parameters }
                return group
            }
            let path = "\(kit)/rubric/\(rubric)-short.json"
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
            return path
        }
        func tests(_ json: String) -> [String] {
            let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
            return ((object?["tests"] as? [[String: Any]]) ?? []).map { "\($0["name"] ?? "") \($0["status"] ?? "") \($0["score"] ?? "")" }
        }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: Self.base + "/recorded-reference")
        let environment = ["GRADER_CACHE": Self.base + "/kit-cache"]
        for (rubric, submissions) in [("exercise2", ["recorded-reference", "skeleton"]), ("hw5", ["recorded-reference", "skeleton"]),
                                      ("modular", ["recorded-reference", "skeleton", "modular-partial"]),
                                      ("csc321", ["recorded-reference", "skeleton", "csc321-partial"]),
                                      ("tf2-cnn", ["recorded-reference", "skeleton", "tf2-cnn-partial"])] {
            let rubricFile = try shortened(rubric, in: kits[rubric]!)
            for submission in submissions {
                let path = submission == "recorded-reference" ? Self.base + "/" + submission : TestSupport.repository + "/submissions/" + submission
                let inKit = try TestSupport.runCommand(kitGrader, ["run", "--no-sandbox", "--format", "json", "--rubric", rubricFile, path], in: hw5Kit, environment: environment)
                let full = try TestSupport.runGrader(["run", "--no-sandbox", "--format", "json", "--rubric", rubricFile, path])
                #expect(!tests(inKit.output).isEmpty && tests(inKit.output) == tests(full.output),
                        "\(rubric) \(submission): the kit grades \(tests(inKit.output)), the full grader \(tests(full.output)); \(inKit.error.suffix(500))")
                if submission == "recorded-reference" {
                    #expect(!inKit.output.contains("\"failed\""), "\(rubric): the reference fails in the kit: \(inKit.output.prefix(2000))")
                }
                #expect(!inKit.output.contains("no recorded answer"), "\(rubric) \(submission): \(inKit.output.prefix(1000))")
            }
        }
        // A seed the kit did not record for says so (instead of grading against nothing).
        var reseeded = try #require(try JSONSerialization.jsonObject(with: Self.contents(hw5Kit + "/rubric/hw5.json")) as? [String: Any])
        reseeded["seed"] = 4242
        try JSONSerialization.data(withJSONObject: reseeded).write(to: URL(fileURLWithPath: hw5Kit + "/rubric/hw5-reseeded.json"))
        let otherSeed = try TestSupport.runCommand(kitGrader, ["run", "--no-sandbox", "--rubric", hw5Kit + "/rubric/hw5-reseeded.json", "--group", "fc", Self.base + "/recorded-reference"],
                                                   in: hw5Kit, environment: environment)
        #expect(otherSeed.output.contains("no recorded answer"), "\(otherSeed.output)\(otherSeed.error)")
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

    /// Issue 28: the exercises added as units have Gradescope autograders too (run_autograder with
    /// the tests' grader; setup.sh's own build is tested below): the reference earns every point of
    /// the hidden rubric, probes included, and the skeleton none.
    @Test(.enabled(if: getuid() != 0 || TestSupport.sandboxReachable), arguments: [("csc321-hidden", 115.0), ("tf2-cnn-hidden", 110.0)])
    func theNewExercisesAutogradersGradeTheReference(rubric: String, points: Double) throws {
        let root = Self.base + "/autograder-" + rubric
        let made = try TestSupport.runGrader(["gradescope", "--rubric", rubric, "--reference", "reference", "--out", root + ".zip"])
        #expect(made.code == 0, "\(made.error)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let extractor = SafeExtractor(limits: .init(maxEntries: 5_000, maxEntryBytes: 64 << 20, maxTotalBytes: 512 << 20, maxCompressionRatio: 1_000))
        _ = try extractor.extract(zipPath: root + ".zip", into: root + "/source")
        for (submission, expected) in [("reference", points), ("submissions/skeleton", 0)] {
            try? FileManager.default.removeItem(atPath: root + "/submission")
            try? FileManager.default.removeItem(atPath: root + "/results")
            try GraderSourcesCopy.copyFolder(TestSupport.repository + "/" + submission, to: root + "/submission")
            let run = try TestSupport.runCommand("/bin/bash", [root + "/source/run_autograder"], in: root,
                                                 environment: ["AUTOGRADER_ROOT": root, "GRADER_CACHE": TestSupport.cacheDirectory,
                                                               "GRADER_BIN": TestSupport.graderExecutable])
            #expect(run.code == 0, "run_autograder: \(run.error)")
            let results = try Self.validate(root + "/results/results.json")
            let score = results["score"] as? Double ?? (results["score"] as? Int).map(Double.init)
            #expect(score == expected && results["max_score"] as? Double == points, "\(rubric) \(submission): \(results["output"] ?? "")")
        }
    }

    /// As root, run_autograder grades in the sandbox, whose users must reach the grader (not in a
    /// 0700 `mktemp -d` clone; see TestSupport.graderArguments). Run by `GradescopeAutograderTests`,
    /// a suite of its own: its cold release build (setup.sh) then overlaps this suite's kit builds
    /// instead of following them, which ended the whole test run.
    static func gradescopeAutograderAlwaysWritesResults() throws {
        let zip = Self.base + "/autograder.zip"
        let made = try TestSupport.runGrader(["gradescope", "--rubric", "course-hidden", "--reference", "reference", "--out", zip])
        #expect(made.code == 0, "\(made.error)")
        let root = Self.base + "/autograder"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let extractor = SafeExtractor(limits: .init(maxEntries: 5_000, maxEntryBytes: 64 << 20, maxTotalBytes: 512 << 20, maxCompressionRatio: 1_000))
        _ = try extractor.extract(zipPath: zip, into: root + "/source")
        for expected in ["setup.sh", "run_autograder", "Package.swift", "rubric/course-hidden.json", "rubric/exercise2.json", "reference/Sources/Submission/Exercise2/Conv.swift"] {
            #expect(FileManager.default.fileExists(atPath: "\(root)/source/\(expected)"), "\(expected) is missing from the autograder")
        }
        // Issue 27, item 3: as Gradescope builds its image, setup.sh (run as root) installs the
        // packages and builds the grader from the zip's own sources, with the toolchain the tests
        // run under (GRADER_TOOLCHAIN; Gradescope's image downloads it); every grading below uses
        // that build. Elsewhere (not root: no apt-get) the tests' own build stands in.
        var built = TestSupport.graderExecutable
        if getuid() == 0 {
            let swift = URL(fileURLWithPath: SubmissionBuilder.swiftcPath()).resolvingSymlinksInPath()
            let toolchain = swift.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            let start = Date()
            let setup = try TestSupport.runCommand("/bin/bash", [root + "/source/setup.sh"], in: root + "/source",
                                                   environment: ["AUTOGRADER_ROOT": root, "GRADER_TOOLCHAIN": toolchain])
            #expect(setup.code == 0, "setup.sh: \(setup.error.suffix(1_500))")
            built = root + "/source/.build/release/grader"
            #expect(FileManager.default.isExecutableFile(atPath: built), "setup.sh built no grader: \(setup.output.suffix(800))")
            #expect(try String(contentsOfFile: root + "/source/.swift-toolchain", encoding: .utf8) == toolchain + "/usr/bin\n")
            print("setup.sh in a fresh fake root: \(Int(Date().timeIntervalSince(start))) s")
        }
        // A hostile zip: an entry that climbs out of the folder.
        let hostile = Self.base + "/hostile.zip"
        let writer = try ZipWriter(path: hostile)
        try writer.add(name: "../../escape.swift", data: Data("let x = 1\n".utf8))
        try writer.close()

        func grade(_ submission: String, grader: String? = nil) throws -> [String: Any] {
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
                                   environment: ["AUTOGRADER_ROOT": root, "GRADER_CACHE": TestSupport.cacheDirectory]
                                                .merging(built == TestSupport.graderExecutable || grader != nil ? ["GRADER_BIN": grader ?? built] : [:]) { $1 })
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
        // Issue 27: under a default Docker container's confinement (no namespaces, Docker's
        // capabilities) bubblewrap cannot start; the container regime grades as outside it, and a
        // submission reading the hidden rubric, the reference or the autograder's sources gets nothing.
        let confine = TestSupport.repository + "/scripts/docker-like-confinement.py"
        func gradeConfined(_ submission: String) throws -> [String: Any] {
            let folder = root + "/submission"
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: root + "/results")
            try GraderSourcesCopy.copyFolder(submission, to: folder)
            let run = try TestSupport.runCommand(confine, ["/bin/bash", root + "/source/run_autograder"], in: root,
                                                 environment: ["AUTOGRADER_ROOT": root, "GRADER_BIN": built, "GRADER_CACHE": TestSupport.cacheDirectory])
            #expect(run.code == 0, "run_autograder under the Docker-like confinement: \(run.error)")
            return try Self.validate(root + "/results/results.json")
        }
        if getuid() == 0 {
            let confined = try gradeConfined(TestSupport.repository + "/reference")
            let output = confined["output"] as? String ?? ""
            #expect(confined["score"] as? Double == 120 && output.contains("sandbox: CONTAINER"), "\(output)")
            let confinedSkeleton = try gradeConfined(TestSupport.repository + "/submissions/skeleton")
            #expect((confinedSkeleton["score"] as? Double ?? (confinedSkeleton["score"] as? Int).map(Double.init)) == 0)
            // The reader: the reference, but its Sgd returns the weights unchanged (failing TestOptimizers2)
            // if any hidden file could be read, or a network socket opened.
            let secrets = ["\(root)/source/rubric/course-hidden.json", "\(root)/source/reference/Sources/Submission/Exercise2/Conv.swift",
                           "\(root)/source/Sources/Checks/CheckCatalog.swift"]
            let reader = try TestSupport.referenceWithSgd(in: Self.base + "/hidden-reader", replacement: """
                        if \(secrets.map { "FileManager.default.contents(atPath: \"\($0)\") != nil" }.joined(separator: " || ")) { return weightTensor }
                        if socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) >= 0 { return weightTensor }  // the container has a network
                        return weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g }

                """, imports: "import Foundation\n")
            let read = try gradeConfined(reader)
            #expect(read["score"] as? Double == 120, "a hidden file was readable in the container regime: \(read["output"] ?? "")")
            let feedback = String(decoding: try JSONSerialization.data(withJSONObject: read), as: UTF8.self)
            #expect(!feedback.contains("\"seed\"") && !feedback.contains("differentialGroups"), "nothing of the hidden rubric reaches the feedback")
        }

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

/// HandoutTests' Gradescope autograder test, in a suite of its own (see there).
@Suite struct GradescopeAutograderTests {
    @Test(.enabled(if: getuid() != 0 || TestSupport.sandboxReachable))
    func theGradescopeAutograderAlwaysWritesResults() throws {
        try HandoutTests.gradescopeAutograderAlwaysWritesResults()
    }
}
