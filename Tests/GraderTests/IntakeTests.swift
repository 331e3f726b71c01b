import Archive
import Foundation
import Intake
import Testing

/// Hostile zips, `grader check`, `dispatch`: nothing a zip contains may escape, exhaust or crash.
@Suite(.serialized) struct IntakeTests {
    /// The hostile samples, generated once per test run by scripts/make-hostile-zips.py.
    static let samples: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.repository + "/scripts/make-hostile-zips.py", folder]
        try? process.run()
        process.waitUntilExit()
        return folder
    }()

    static let expectedReasons: [(zip: String, reason: String)] = [
        ("zip-slip.zip", "contains '..' (zip slip)"),
        ("absolute-path.zip", "it is an absolute path"),
        ("backslash.zip", "it contains a backslash"),
        ("symlink.zip", "it is a symbolic link"),
        ("fifo.zip", "it is a device, fifo or socket"),
        ("setuid.zip", "it has the setuid or setgid bit"),
        ("duplicate-names.zip", "another entry has the same name (ignoring case)"),
        ("zip-bomb.zip", "'bomb.swift' is larger than 10485760 bytes uncompressed"),
        ("compression-ratio.zip", "it compresses more than 100:1"),
        ("lying-size.zip", "it holds more than the 100 bytes its header declares"),
        ("encrypted.zip", "it is encrypted"),
        ("non-utf8-name.zip", "the name is not valid UTF-8"),
        ("many-entries.zip", "the zip has 100000 entries, more than 1000"),
    ]

    /// Runs `grader` with a private TMPDIR and returns it for inspection.
    func runIsolated(_ arguments: [String]) throws -> (code: Int32, output: String, tmp: String, seconds: Double) {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("isolated-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        process.arguments = TestSupport.graderArguments(arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = tmp
        environment["GRADER_CACHE"] = TestSupport.cacheDirectory
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let start = Date()
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), tmp, Date().timeIntervalSince(start))
    }

    @Test(arguments: expectedReasons.map(\.zip))
    func hostileZipIsNotGradableAndLeavesNothing(_ zip: String) throws {
        let reason = Self.expectedReasons.first { $0.zip == zip }!.reason
        let before = try FileManager.default.contentsOfDirectory(atPath: Self.samples).sorted()
        let run = try runIsolated(["check", Self.samples + "/" + zip])
        #expect(run.code == 2)
        #expect(run.output.contains("NOT GRADABLE"), "\(run.output)")
        #expect(run.output.contains(reason), "\(zip): \(run.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.tmp).isEmpty, "the temporary folder is cleaned up")
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.samples).sorted() == before, "nothing written beside the zip")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/grader-absolute-evil.swift"))
        #expect(!FileManager.default.fileExists(atPath: TestSupport.repository + "/grader-zip-slip-evil.swift"))
    }

    @Test func zipBombIsRejectedFastWithoutWriting() throws {
        let run = try runIsolated(["check", Self.samples + "/zip-bomb.zip"])
        #expect(run.code == 2)
        #expect(run.seconds < 2, "rejected in \(run.seconds) s")
    }

    @Test func aBombUnderTheDeclaredLimitsStopsAtTheRealByteCount() throws {
        // Extract with a ratio limit too loose to refuse it up front: the real byte count stops it.
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("ratio-\(UUID().uuidString)").path
        let extractor = SafeExtractor(limits: .init(maxEntries: 10, maxEntryBytes: 10 << 20, maxTotalBytes: 1 << 20, maxCompressionRatio: 1e9))
        #expect(throws: ArchiveError.tooLarge(name: "the zip in total", limit: 1 << 20)) {
            _ = try extractor.extract(zipPath: Self.samples + "/compression-ratio.zip", into: destination)
        }
        #expect(!FileManager.default.fileExists(atPath: destination), "a refused zip leaves no folder")
    }

    @Test func wrapperFolderAndMacJunkAreAccepted() throws {
        let nested = try runIsolated(["check", Self.samples + "/ok-nested-wrapper.zip"])
        #expect(nested.output.contains("✓ unzip: 1 files, wrapping folder 'submission/' removed"), "\(nested.output)")
        let junk = try runIsolated(["check", Self.samples + "/ok-macosx-junk.zip"])
        #expect(junk.output.contains("✓ unzip: 1 files, 3 junk entries skipped"), "\(junk.output)")
        #expect(junk.output.contains("✗ layout: missing Initializers.swift"), "\(junk.output)")
    }

    @Test func entryNamesAreValidated() throws {
        #expect(try SafeExtractor.components(of: "Sources/Submission/Conv.swift") == ["Sources", "Submission", "Conv.swift"])
        #expect(try SafeExtractor.components(of: "folder/") == ["folder"])
        // A colon is an ordinary character on POSIX (written inside the folder like any other).
        #expect(try SafeExtractor.components(of: "a:b.txt") == ["a:b.txt"])
        for name in ["/etc/passwd", "a/../../b", "a//b", "./a", "a\\b", "a\u{7}b"] {
            #expect(throws: ArchiveError.self, "\(name)") { _ = try SafeExtractor.components(of: name) }
        }
    }

    @Test func dispatchThenCheckRoundTripsTheSkeleton() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let dispatch = try TestSupport.runProgram("dispatch", ["--input", "submissions/skeleton", "--output", out + "/submission"])
        #expect(dispatch.code == 0, "\(dispatch.output)\(dispatch.error)")
        #expect(dispatch.output.contains("Packed 24 files into \(out)/submission.zip"))
        #expect(dispatch.output.contains("Your submission contains all it needs and is ready to be submitted"))
        #expect(dispatch.output.contains("The zipped sources compile."))
        let check = try runIsolated(["check", out + "/submission.zip"])
        #expect(check.code == 0, "\(check.output)")
        #expect(check.output.hasSuffix("GRADABLE\n") && !check.output.contains("NOT GRADABLE"))
        #expect(check.output.contains("✓ interface: all 15 contracts registered"))
    }

    @Test func dispatchReportsMissingAndAmbiguousFilesAndAsksFirst() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("incomplete-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/submissions/skeleton", toPath: folder)
        try FileManager.default.removeItem(atPath: folder + "/Sources/Submission/Exercise2/Conv.swift")
        try FileManager.default.createDirectory(atPath: folder + "/old", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/Sources/Submission/Exercise2/Loss.swift", toPath: folder + "/old/loss.swift")
        let refused = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", folder + "/out.zip", "--no-build"])
        #expect(refused.code == 1)
        #expect(refused.output.contains("The following files could not be found: \n0:           Conv.swift"), "\(refused.output)")
        #expect(refused.output.contains("Ambiguities in the file namings were found: \nLoss.swift: Sources/Submission/Exercise2/Loss.swift, old/loss.swift"))
        #expect(refused.output.contains("pass --yes"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.zip"))
        let forced = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", folder + "/out.zip", "--no-build", "--yes"])
        #expect(forced.code == 0)
        #expect(forced.output.contains("Notice, the missing files listed above were not dispatched."))
        #expect(forced.output.contains("Notice, every copy of the ambiguous files above was dispatched"), "\(forced.output)")
        #expect(FileManager.default.fileExists(atPath: folder + "/out.zip"))
    }

    /// A scratch copy of the reference (sources only), for the students' valid zips below.
    func referenceCopy(_ label: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/Sources", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/reference/Sources/Submission", toPath: folder + "/Sources/Submission")
        return folder
    }

    /// `zip` (Info-ZIP) run in `folder` with `options`, writing `zip`.
    func infoZip(_ folder: String, _ zip: String, _ options: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.arguments = options + ["-q", "-r", zip, "."]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zip \(options)")
    }

    /// Students' valid zips that were refused or mis-handled: a zip64 archive from Info-ZIP, Finder's
    /// `._` files, a package zipped after `swift build`, an upper-case `.SWIFT`, a colon in a name.
    @Test func validStudentZipsAreGradable() throws {
        let folder = try referenceCopy("valid-zips")
        let zip64 = folder + "-zip64.zip"
        try infoZip(folder, zip64, ["-fz"])
        let checked = try runIsolated(["check", zip64])
        #expect(checked.code == 0 && checked.output.contains("✓ interface: all 15 contracts registered"), "zip64: \(checked.output)")

        // AppleDouble files beside the sources, 1,500 build products, SOFTMAX.SWIFT, notes:1.txt.
        try Data([0, 5, 22, 7, 0, 2, 0, 0]).write(to: URL(fileURLWithPath: folder + "/Sources/Submission/._Conv.swift"))
        for index in 0..<1_500 {
            let object = folder + "/.build/debug/Submission.build/part\(index).o"
            if index == 0 { try FileManager.default.createDirectory(atPath: (object as NSString).deletingLastPathComponent, withIntermediateDirectories: true) }
            FileManager.default.createFile(atPath: object, contents: Data("\u{7f}ELF".utf8))
        }
        try FileManager.default.moveItem(atPath: folder + "/Sources/Submission/Exercise2/SoftMax.swift", toPath: folder + "/Sources/Submission/Exercise2/SOFTMAX.SWIFT")
        try "the TA asked for this".write(toFile: folder + "/notes:1.txt", atomically: true, encoding: .utf8)
        let packed = folder + "-built.zip"
        try infoZip(folder, packed, [])
        let built = try runIsolated(["check", packed])
        #expect(built.code == 0, "\(built.output)")
        #expect(built.output.contains("junk entries skipped") && built.output.contains("✓ compile: 25 files"), "\(built.output)")

        // The folder itself (no zip): the `._` file is not compiled either.
        let direct = try runIsolated(["check", folder])
        #expect(direct.code == 0 && direct.output.contains("✓ compile: 25 files"), "\(direct.output)")
        // dispatch packs neither `._Conv.swift` nor the build products.
        let out = folder + "-dispatched.zip"
        let dispatch = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", out, "--no-build"])
        #expect(dispatch.code == 0 && !dispatch.output.contains("._Conv") && dispatch.output.contains("SOFTMAX.SWIFT"), "\(dispatch.output)")
    }

    @Test func aZipWhoseHeadersDisagreeIsRefusedWithTheReason() throws {
        let folder = try referenceCopy("inconsistent")
        let zip = folder + ".zip"
        try infoZip(folder, zip, ["-fz"])
        // Rename one local header's file (same length), leaving the central directory as it was.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: zip))
        let name = Data("Sources/Submission/Exercise2/Conv.swift".utf8)
        let local = try #require(bytes.range(of: name))
        bytes.replaceSubrange(local, with: Data("Sources/Submission/Exercise2/Evil.swift".utf8))
        try bytes.write(to: URL(fileURLWithPath: zip))
        let checked = try runIsolated(["check", zip])
        #expect(checked.code == 2 && checked.output.contains("its headers disagree"), "\(checked.output)")
        #expect(checked.output.contains("'Sources/Submission/Exercise2/Conv.swift' in the central directory but 'Sources/Submission/Exercise2/Evil.swift' in its local header"), "\(checked.output)")
    }

    @Test func dispatchChecksTheGradersLimitsAndWeightsBeforeWritingAnything() throws {
        let folder = try referenceCopy("dispatch-limits")
        let zip = folder + "/submission.zip"
        // A source over the grader's 10 MiB per file: refused, no zip.
        try String(repeating: "// padding\n", count: 1_000_000).write(toFile: folder + "/Sources/Submission/Huge.swift", atomically: true, encoding: .utf8)
        let huge = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", zip, "--no-build"])
        #expect(huge.code == 1 && huge.error.contains("Sources/Submission/Huge.swift is 10.5 MiB, more than the grader accepts per file (10.0 MiB): no zip was written"),
                "\(huge.output)\(huge.error)")
        #expect(!FileManager.default.fileExists(atPath: zip))
        try FileManager.default.removeItem(atPath: folder + "/Sources/Submission/Huge.swift")

        // Sources that do not compile: no zip is left either.
        try "let x: Int = \"no\"".write(toFile: folder + "/Sources/Submission/Broken.swift", atomically: true, encoding: .utf8)
        let broken = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", zip])
        #expect(broken.code == 1 && broken.output.contains("no zip was left"), "\(broken.output)")
        #expect(!FileManager.default.fileExists(atPath: zip))
        try FileManager.default.removeItem(atPath: folder + "/Sources/Submission/Broken.swift")

        // hw5 without its trained weights: zipped, with the points at stake; exercise 2 names what it leaves out.
        let hw5 = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", zip, "--no-build", "--rubric", "hw5"])
        #expect(hw5.code == 0 && hw5.output.contains("Notice, mlp.npz was not found: submittedMLP (10 %) grades it and scores 0 without it."), "\(hw5.output)")
        let check = try runIsolated(["check", "--rubric", "hw5", zip])
        #expect(check.code == 0 && check.output.contains("! layout: cnn.npz was not found: submittedCNN (10 %)"), "\(check.output)")
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/reference/mlp.npz", toPath: folder + "/mlp.npz")
        let ex2 = try TestSupport.runProgram("dispatch", ["-i", folder, "-o", zip, "--no-build"])
        #expect(ex2.code == 0 && ex2.output.contains("Notice, mlp.npz left out: the rubric exercise2 (the default) does not grade them"), "\(ex2.output)")
    }

    @Test func anUnwritableBuildCacheIsTheGradersFailureNotTheStudents() throws {
        // Needs another user (refused writing) who can read this checkout and its build.
        guard getuid() == 0, TestSupport.sandboxReachable else { return }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("readonly-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o555])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", TestSupport.graderExecutable, "check", "--no-sandbox",
                             TestSupport.repository + "/submissions/skeleton"]
        process.environment = ["GRADER_CACHE": cache + "/builds", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(output)")
        #expect(output.contains("the build cache \(cache)/builds cannot be written (permission denied): set GRADER_CACHE"), "\(output)")
    }

    @Test func dispatchRefusesAMissingInputFolder() throws {
        let run = try TestSupport.runProgram("dispatch", ["--input", "/no/such/src"])
        #expect(run.code == 64)
        #expect(run.error.contains("--input '/no/such/src': path either does not exist or is not a directory"))
    }

    @Test func runGradesAZipAsItsFolder() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zip-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = try TestSupport.runProgram("dispatch", ["--input", "submissions/partial", "--output", out + "/partial.zip", "--no-build", "--yes"])
        let run = try TestSupport.runGrader(["run", "--group", "TestOptimizers2", out + "/partial.zip"])
        #expect(run.code == 0)
        #expect(run.output.contains("Submission: partial\nTestOptimizers2: OK (3/3 checks passed)"))
        let unsafe = try TestSupport.runGrader(["run", Self.samples + "/zip-slip.zip"])
        #expect(unsafe.code == 2)
        #expect(unsafe.output.contains("cannot be unpacked safely: unsafe entry '../grader-zip-slip-evil.swift'"))
    }
}
