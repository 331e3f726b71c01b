import ExerciseKit
import Batch
import Foundation
import GradingModel
import PluginHost
import Rubric
import Testing

/// Paths the integration tests need: the repository, the built `grader`, a private build cache.
enum TestSupport {
    /// The repository root (this file is Tests/GraderTests/TestSupport.swift).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `grader` built beside the test bundle (`swift test` builds it: the test target depends on it).
    static var graderExecutable: String {
        let folder = URL(fileURLWithPath: ExerciseKitLocation.executablePath()).deletingLastPathComponent()
        return folder.appendingPathComponent("grader").path
    }

    /// Compiled test submissions are cached under .build, never in the user's home.
    static let cacheDirectory = repository + "/.build/test-cache"

    static func builder() throws -> SubmissionBuilder {
        SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: graderExecutable),
                          cacheDirectory: cacheDirectory, compileTimeoutSeconds: 180)
    }

    static func defaultRubric() throws -> Rubric {
        try Rubric.load(from: repository + "/rubric/exercise2.json")
    }

    /// Compiles a submission folder (relative to the repository) and returns a supervisor for it.
    static func supervisor(for submission: String, checkTimeout: Double = 10) throws -> WorkerSupervisor {
        try supervisor(atPath: repository + "/" + submission, checkTimeout: checkTimeout)
    }

    /// Compiles a submission folder given by its absolute path and returns a supervisor for it
    /// (the data sets from this checkout, whatever the working folder).
    static func supervisor(atPath path: String, checkTimeout: Double = 10) throws -> WorkerSupervisor {
        let build = try builder().build(submissionAt: path, abiVersion: ExerciseKitABI.version)
        var configuration = WorkerSupervisor.Configuration(
            executable: graderExecutable, libraryPath: build.libraryPath,
            checkTimeoutSeconds: checkTimeout, memoryMiB: 4096, cpuSeconds: 600)
        configuration.dataDirectory = repository + "/rubric/data"
        return WorkerSupervisor(configuration: configuration)
    }

    /// Whether root's sandbox user can reach the built grader and the data sets (o+x on the way).
    static let sandboxReachable = BatchRunner.isReachableByOthers(URL(fileURLWithPath: graderExecutable).deletingLastPathComponent().path)
        && BatchRunner.isReachableByOthers(repository + "/rubric/data")

    /// `arguments` as the tests pass them to `grader`. As root, run/check/train sandbox by default
    /// and refuse when the sandbox's user cannot reach this checkout (a clone in a 0700
    /// `mktemp -d` folder): there they are tested unsandboxed, as BatchTests does
    /// (ContainmentTests, which need the sandbox, are skipped then).
    static func graderArguments(_ arguments: [String]) -> [String] {
        guard getuid() == 0, !sandboxReachable, let command = arguments.first, ["run", "check", "train"].contains(command),
              !arguments.contains("--no-sandbox") else { return arguments }
        var adjusted = arguments
        adjusted.insert("--no-sandbox", at: 1)
        return adjusted
    }

    /// Runs `grader` with arguments; returns exit code, stdout and stderr.
    static func runGrader(_ arguments: [String]) throws -> (code: Int32, output: String, error: String) {
        try runProgram("grader", arguments)
    }

    /// `pgrep -f pattern` (plus `-o`, the oldest, when `oldest`): the matching process ids, one per line.
    static func processIDs(matching pattern: String, oldest: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        process.arguments = (oldest ? ["-o"] : []) + ["-f", pattern]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `grader` or `dispatch` (as `grader dispatch`, the same command) from the repository folder.
    static func runProgram(_ name: String, _ arguments: [String]) throws -> (code: Int32, output: String, error: String) {
        try runCommand(graderExecutable, (name == "dispatch" ? ["dispatch"] : []) + graderArguments(arguments),
                       environment: ["GRADER_CACHE": cacheDirectory])
    }

    /// Runs `executable` in `folder` with the test's environment plus `extra`; exit code and both outputs.
    static func runCommand(_ executable: String, _ arguments: [String], in folder: String = repository,
                           environment extra: [String: String] = [:]) throws -> (code: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// A copy of the reference in `folder` whose Sgd update is `replacement` (statements ending in
    /// The one file called `name` below `folder` (each exercise's files are in its own folder).
    static func sourceFile(named name: String, in folder: String) throws -> String {
        let hits = (FileManager.default.subpaths(atPath: folder) ?? []).filter { ($0 as NSString).lastPathComponent == name }
        guard hits.count == 1 else { throw MutationError(description: "\(hits.count) files called \(name) in \(folder)") }
        return folder + "/" + hits[0]
    }

    /// a `return`); `imports` go before the file's first line. Returns the folder.
    static func referenceWithSgd(in folder: String, replacement: String, imports: String = "") throws -> String {
        try FileManager.default.createDirectory(atPath: folder + "/Sources", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository + "/reference/Sources/Submission", toPath: folder + "/Sources/Submission")
        let file = folder + "/Sources/Submission/Exercise2/Optimizers.swift"
        let original = "        weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g }\n"
        let source = try String(contentsOfFile: file, encoding: .utf8)
        guard source.contains(original) else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file]) }
        try (imports + source.replacingOccurrences(of: original, with: replacement)).write(toFile: file, atomically: true, encoding: .utf8)
        return folder
    }
}
