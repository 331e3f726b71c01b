import ArgumentParser
import Checks
import Worker

extension GraderCommand {
    /// `grader worker`: the isolated process that loads one submission and executes calls on its
    /// objects (started by `grader judge`).
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a compiled submission and execute calls from the judge (internal).",
            shouldDisplay: false)

        @Option(help: "The compiled submission library.")
        var library: String

        @Option(help: "Address-space limit in MiB.")
        var memoryMib: Int = 4096

        @Option(help: "CPU-time limit in seconds.")
        var cpuSeconds: Int = 900

        @Option(help: "The folder of the data sets checks read.")
        var dataDir: String = "rubric/data"

        func run() throws {
            let limits = WorkerLoop.Limits(memoryBytes: UInt64(memoryMib) << 20, cpuSeconds: UInt64(cpuSeconds))
            CheckEnvironment.dataDirectory = dataDir
            let code = WorkerLoop.run(libraryPath: library, limits: limits)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
