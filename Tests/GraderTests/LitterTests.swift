import Foundation
import PluginHost
import Testing

/// Every command leaves nothing behind: no file or folder in `$TMPDIR` or the build cache, no
/// process, whether it finishes or is interrupted with Ctrl-C in the middle of a compile.
@Suite(.serialized) struct LitterTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("litter-\(UUID().uuidString)").path

    /// A private TMPDIR and build cache for one command.
    struct Sandbox {
        let tmp: String
        let cache: String
        init(_ label: String) throws {
            tmp = LitterTests.base + "/\(label)/tmp"
            cache = LitterTests.base + "/\(label)/cache"
            for folder in [tmp, cache] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        }
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = tmp
            environment["GRADER_CACHE"] = cache
            return environment
        }
        /// What the command left: anything in TMPDIR, unfinished builds in the cache.
        func litter() throws -> [String] {
            let left = try FileManager.default.contentsOfDirectory(atPath: tmp).map { "TMPDIR/\($0)" }
            let builds = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasPrefix(".") }.map { "cache/\($0)" }
            return left + builds
        }
    }

    func start(_ arguments: [String], in sandbox: Sandbox) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        process.arguments = TestSupport.graderArguments(arguments)
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        process.environment = sandbox.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func zip(_ sample: String) throws -> String {
        let zip = base + "/\(sample).zip"
        if !FileManager.default.fileExists(atPath: zip) {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            let dispatch = try TestSupport.runProgram("dispatch", ["--input", "submissions/\(sample)", "--output", zip, "--no-build", "--yes"])
            #expect(dispatch.code == 0)
        }
        return zip
    }

    @Test func finishedCommandsLeaveNothing() throws {
        let reference = try Self.zip("partial")
        let commands: [(String, [String])] = [
            ("run", ["run", "--group", "TestFlatten", reference]),
            ("check", ["check", reference]),
            ("train", ["train", "--model", "mlp", "--out", Self.base + "/trained", reference]),
            ("dispatch", ["dispatch", "--input", "submissions/skeleton", "--output", Self.base + "/dispatched.zip"]),
            ("kit", ["kit", "--rubric", "exercise2", "--out", Self.base + "/kit", "--zip", Self.base + "/kit.zip"]),
            ("gradescope", ["gradescope", "--rubric", "course-hidden", "--reference", "reference", "--out", Self.base + "/autograder.zip"]),
            ("batch", ["batch", Self.base + "/course", "--rubric", "exercise2", "--jobs", "1", "--out", Self.base + "/batch-out"]
                + (BatchTests.sandboxUsable ? [] : ["--no-sandbox"])),
            ("export", ["export", "--format", "canvas", "--roster", Self.base + "/roster.csv", "--grades", Self.base + "/batch-out", Self.base + "/canvas.csv"]),
            ("audit", ["audit", "--rubric", "exercise2", "--limit", "2", "--jobs", "1", "--out", Self.base + "/audit"]
                + (BatchTests.sandboxUsable ? [] : ["--no-sandbox"])),
        ]
        try "Student,ID,SIS Login ID\nPat,1,partial\n".write(toFile: Self.base + "/roster.csv", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: Self.base + "/course", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: reference, toPath: Self.base + "/course/partial.zip")
        for (label, arguments) in commands {
            let sandbox = try Sandbox(label)
            let process = try start(arguments, in: sandbox)
            process.waitUntilExit()
            let left = try sandbox.litter()
            #expect(left.isEmpty, "\(label) left \(left)")
        }
        #expect(!FileManager.default.fileExists(atPath: Self.base + "/batch-out/work"), "no empty work folder in the batch's output")
    }

    /// Ctrl-C while the compiler runs: exit 130, the unpacked zip, the build folder and every
    /// process the command started (compiler frontends included) are gone.
    @Test(arguments: ["run", "check"])
    func ctrlCInTheMiddleOfACompileLeavesNothing(_ command: String) throws {
        let sandbox = try Sandbox("interrupted-\(command)")
        let process = try start([command, try Self.zip("partial")], in: sandbox)
        var started: [pid_t] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            started = ProcessTreeCPU.descendants(of: process.processIdentifier)
            // A process listed a moment ago may be gone already: it is then not the frontend.
            if started.contains(where: { (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8))?.contains("swift-frontend") == true }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(!started.isEmpty, "the compiler started")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        Thread.sleep(forTimeInterval: 0.3)
        // Gone, or a zombie its new parent has not reaped yet (state Z): not running.
        let alive = started.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
        }
        let commands = alive.map { (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8))?.replacingOccurrences(of: "\0", with: " ").prefix(120) ?? "" }
        #expect(alive.isEmpty, "still running after Ctrl-C: \(commands)")
        let left = try sandbox.litter()
        #expect(left.isEmpty, "left \(left)")
    }
}
