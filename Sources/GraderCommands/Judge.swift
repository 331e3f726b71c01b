import ArgumentParser
import Checks
import Foundation
import Judge
import PluginHost

extension GraderCommand {
    /// `grader judge`: the trusted process that runs one submission's checks against its worker
    /// (started by the grader; it starts the worker itself).
    struct JudgeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "judge",
            abstract: "Run checks requested on stdin against a worker of one submission (internal).",
            shouldDisplay: false)

        @OptionGroup var worker: WorkerOptions

        @Option(help: "The submission's folder (for submitted files such as mlp.npz).")
        var submissionDir: String?

        @Option(help: "How long loading the submission may take, in seconds.")
        var loadTimeout: Double = 30

        @Option(help: "The sandbox command the worker runs under, as a JSON array of strings.")
        var workerPrefixJson: String = "[]"

        @Flag(help: "Diagnose a debug build: run the worker with the backtracer and report where the code crashed or hung.")
        var diagnose = false

        func run() throws {
            let prefix = (try? JSONDecoder().decode([String].self, from: Data(workerPrefixJson.utf8))) ?? []
            CheckEnvironment.dataDirectory = worker.dataDir
            CheckEnvironment.submissionDirectory = submissionDir
            var connection = WorkerConnection.Configuration(
                executable: ExerciseKitLocation.executablePath(), libraryPath: worker.library,
                memoryMiB: worker.memoryMib, cpuSeconds: worker.cpuSeconds, dataDirectory: worker.dataDir,
                commandPrefix: prefix, loadTimeoutSeconds: loadTimeout, diagnose: diagnose)
            connection.processes = worker.processes
            connection.denyFileWrites = worker.noFileWrites
            let code = JudgeLoop.run(worker: connection)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
