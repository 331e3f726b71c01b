import Foundation
import GradingModel

/// Runs checks of one compiled submission in `grader worker` processes.
///
/// One worker serves checks one at a time while it lives. When a check crashes the worker
/// (a trap ends it with SIGILL) or exceeds its time limit (the process group is killed), that
/// check is reported as errored and a fresh worker takes the remaining checks.
public final class WorkerSupervisor {
    public struct Configuration: Sendable {
        /// The grader executable, started as `<executable> worker --library …`.
        public var executable: String
        public var libraryPath: String
        public var checkTimeoutSeconds: Double
        public var memoryMiB: Int
        public var cpuSeconds: Int
        /// The data sets checks read (`rubric/data`).
        public var dataDirectory: String = "rubric/data"
        /// The submission's folder, for checks of submitted files (mlp.npz).
        public var submissionDirectory: String?
        /// A sandbox's command prefix (`setpriv … bwrap … --`); empty runs the worker directly.
        public var commandPrefix: [String] = []
        /// How long loading the library may take.
        public var loadTimeoutSeconds: Double = 30

        public init(executable: String, libraryPath: String, checkTimeoutSeconds: Double, memoryMiB: Int, cpuSeconds: Int) {
            self.executable = executable
            self.libraryPath = libraryPath
            self.checkTimeoutSeconds = checkTimeoutSeconds
            self.memoryMiB = memoryMiB
            self.cpuSeconds = cpuSeconds
        }
    }

    private let configuration: Configuration
    private var worker: ChildProcess?
    /// Contracts the submission registered (known once a worker has loaded it).
    public private(set) var contracts: [String] = []
    /// How many workers were started (1 + restarts).
    public private(set) var workersStarted = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit { stopWorker() }

    /// Loads the submission in a worker (checking its ABI) and returns the contracts it registers.
    public func load() throws -> [String] {
        _ = try startWorker()
        return contracts
    }

    /// Starts a worker and waits until it has loaded the submission.
    func startWorker() throws -> ChildProcess {
        if let worker { return worker }
        let process = try ChildProcess(arguments: configuration.commandPrefix + [
            configuration.executable, "worker", "--library", configuration.libraryPath,
            "--memory-mib", "\(configuration.memoryMiB)", "--cpu-seconds", "\(configuration.cpuSeconds)",
            "--data-dir", configuration.dataDirectory,
        ] + (configuration.submissionDirectory.map { ["--submission-dir", $0] } ?? []), environment: WorkerSupervisor.workerEnvironment)
        workersStarted += 1
        switch process.readLine(until: .now() + configuration.loadTimeoutSeconds) {
        case .line(let line):
            switch try? JSONDecoder().decode(WorkerReply.self, from: Data(line.utf8)) {
            case .ready(let contracts)?:
                self.contracts = contracts
                worker = process
                return process
            case .loadFailed(let reason, let expected?, let found?)? where reason == "ABI mismatch":
                throw GradingFailure.abiMismatch(expected: expected, found: found)
            case .loadFailed(let reason, _, _)?:
                throw GradingFailure.loadFailed(reason: reason)
            default:
                throw GradingFailure.loadFailed(reason: "unexpected worker message: \(line.prefix(200))")
            }
        case .endOfOutput:
            _ = process.drainAll(until: .now() + 2)
            process.kill()
            let ended = process.wait()
            throw GradingFailure.loadFailed(reason: "the worker \(ended.description) while loading the submission\(Self.tail(process))")
        case .timedOut:
            process.kill()
            _ = process.wait()
            throw GradingFailure.loadFailed(reason: "loading took longer than \(Int(configuration.loadTimeoutSeconds)) s")
        }
    }

    func stopWorker() {
        guard let worker else { return }
        worker.closeInput()
        if !worker.drainAll(until: .now() + 2) { worker.kill() }
        _ = worker.wait()
        self.worker = nil
    }

    /// Runs one check (`Group.check`) and returns its result, whatever the submission does.
    public func run(check id: String, seed: UInt32, timeoutSeconds: Double? = nil,
                    parameters: [String: Double]? = nil) throws -> CheckResult {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        let (group, name) = (parts[0], parts.count > 1 ? parts[1] : "")
        let process = try startWorker()
        let timeout = timeoutSeconds ?? configuration.checkTimeoutSeconds
        let request = WorkerRequest(check: id, seed: seed, parameters: parameters)
        guard let data = try? JSONEncoder().encode(request) else {
            return CheckResult(group: group, name: name, status: .errored, message: "could not encode the request")
        }
        let start = DispatchTime.now()
        process.writeLine(String(decoding: data, as: UTF8.self))
        let outcome = process.readLine(until: start + timeout)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        switch outcome {
        case .line(let line):
            if case .result(let result)? = try? JSONDecoder().decode(WorkerReply.self, from: Data(line.utf8)) {
                return result
            }
            stopWorker()
            return CheckResult(group: group, name: name, status: .errored,
                               message: "the worker sent an unreadable reply: \(line.prefix(200))", seconds: seconds)
        case .endOfOutput:
            _ = process.drainAll(until: .now() + 2)
            let ended = process.wait()
            worker = nil
            return CheckResult(group: group, name: name, status: .errored,
                               message: "\(ended.description)\(Self.tail(process))", seconds: seconds)
        case .timedOut:
            process.kill()
            _ = process.wait()
            worker = nil
            return CheckResult(group: group, name: name, status: .errored,
                               message: "timed out after \(Self.format(timeout)) s (an endless loop, or far too slow)",
                               seconds: seconds)
        }
    }

    /// The worker's environment additions: no interactive backtracer (it takes seconds and buries
    /// the one useful line, "Fatal error: Index out of range").
    static let workerEnvironment = ["SWIFT_BACKTRACE": "enable=no"]

    /// The last lines the submission printed on stderr, as context for a crash.
    static func tail(_ process: ChildProcess) -> String {
        let text = String(decoding: process.stderrTail, as: UTF8.self)
        let lines = text.split(separator: "\n").suffix(6)
        return lines.isEmpty ? "" : "\nlast output:\n" + lines.map { "  \($0)" }.joined(separator: "\n")
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))" : String(format: "%.1f", seconds)
    }
}
