import ArgumentParser
import Checks
import Worker

extension GraderCommand {
    /// `grader worker`: the isolated process that loads one submission (started by the grader).
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a compiled submission and run checks requested on stdin (internal).",
            shouldDisplay: false)

        @Option(help: "The compiled submission library.")
        var library: String

        @Option(help: "Address-space limit in MiB.")
        var memoryMib: Int = 4096

        @Option(help: "CPU-time limit in seconds.")
        var cpuSeconds: Int = 900

        @Option(help: "The folder of the data sets checks read.")
        var dataDir: String = "rubric/data"

        @Option(help: "The submission's folder (for submitted files such as mlp.npz).")
        var submissionDir: String?

        func run() throws {
            let limits = WorkerLoop.Limits(memoryBytes: UInt64(memoryMib) << 20, cpuSeconds: UInt64(cpuSeconds))
            CheckEnvironment.dataDirectory = dataDir
            CheckEnvironment.submissionDirectory = submissionDir
            let code = WorkerLoop.run(libraryPath: library, limits: limits)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
