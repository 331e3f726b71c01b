import ArgumentParser
import Checks
import Worker

/// What a worker needs, given to `grader judge` (which passes it on) and to `grader worker`.
struct WorkerOptions: ParsableArguments {
    @Option(help: "The compiled submission library.")
    var library: String

    @Option(help: "The worker's address-space limit in MiB.")
    var memoryMib: Int = 4096

    @Option(help: "The worker's CPU-time limit in seconds.")
    var cpuSeconds: Int = 900

    @Option(help: "Processes and threads of the worker's user at most (RLIMIT_NPROC).")
    var processes: Int = 64

    @Flag(help: "Refuse the submission creating or writing files (the container regime: no disk of its own).")
    var noFileWrites = false

    @Option(help: "The folder of the data sets (hw5's training images for the worker).")
    var dataDir: String = "rubric/data"
}

extension GraderCommand {
    /// `grader worker`: the isolated process that loads one submission and executes calls on its
    /// objects (started by `grader judge`).
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a compiled submission and execute calls from the judge (internal).",
            shouldDisplay: false)

        @OptionGroup var options: WorkerOptions

        @Flag(help: "Let the submission's process start programs: the Swift runtime's backtracer, for a diagnosis rerun.")
        var allowBacktracer = false

        func run() throws {
            var limits = WorkerLoop.Limits(memoryBytes: UInt64(options.memoryMib) << 20, cpuSeconds: UInt64(options.cpuSeconds),
                                           denyNewProcesses: !allowBacktracer)
            limits.processes = UInt64(max(16, options.processes))
            limits.denyFileWrites = options.noFileWrites
            CheckEnvironment.dataDirectory = options.dataDir
            let code = WorkerLoop.run(libraryPath: options.library, limits: limits)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
