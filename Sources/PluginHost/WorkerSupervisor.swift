import Foundation
import GradingModel

/// Runs checks of one compiled submission, through a judge.
///
/// The host starts `grader judge` (trusted: it never loads student code), which starts the
/// sandboxed `grader worker` that loads the submission. The judge runs each check's body against
/// proxies of the worker's objects and decides the result; the host only reads the judge's
/// answers. A crash or hang of student code costs the judge one check (it restarts the worker);
/// should the judge itself fail on an unexpected output, the host reports that check as errored
/// and starts a new judge for the rest.
public final class WorkerSupervisor {
    /// Loading stopped because the submission's time budget ran out.
    struct BudgetExhausted: Error {}

    public struct Configuration: Sendable {
        /// The grader executable, started as `<executable> judge …`.
        public var executable: String
        public var libraryPath: String
        public var checkTimeoutSeconds: Double
        public var memoryMiB: Int
        public var cpuSeconds: Int
        /// The data sets checks read (`rubric/data`).
        public var dataDirectory: String = "rubric/data"
        /// The submission's folder, for checks of submitted files (mlp.npz).
        public var submissionDirectory: String?
        /// A sandbox's command prefix (`setpriv … bwrap … --`) for the worker; empty runs it directly.
        public var commandPrefix: [String] = []
        /// How long loading the library may take.
        public var loadTimeoutSeconds: Double = 30
        /// For a debug build's rerun: results then carry the crash or hang location
        /// (`CheckResult.location`).
        public var diagnose = false
        /// The worker's RLIMIT_NPROC: 64, or above the control group's pids limit when one is in
        /// force (the group then binds first, and says so in the report; the rlimit cannot).
        public var processes = 64
        /// The worker refuses file writes (the container regime: no disk of its own to bound them).
        public var denyFileWrites = false

        public init(executable: String, libraryPath: String, checkTimeoutSeconds: Double, memoryMiB: Int, cpuSeconds: Int) {
            self.executable = executable
            self.libraryPath = libraryPath
            self.checkTimeoutSeconds = checkTimeoutSeconds
            self.memoryMiB = memoryMiB
            self.cpuSeconds = cpuSeconds
        }
    }

    private let configuration: Configuration
    private var judge: ChildProcess?
    /// Contracts the submission registered (known once a worker has loaded it).
    public private(set) var contracts: [String] = []
    /// Workers started by judges that have ended, and by the current one.
    private var workersOfEndedJudges = 0
    private var workersOfCurrentJudge = 0
    /// How many workers were started (1 + restarts).
    public var workersStarted: Int { workersOfEndedJudges + workersOfCurrentJudge }
    /// The most memory any of its judges reported holding, in KiB.
    public private(set) var judgePeakKiB = 0
    /// When the submission's time budget ends: loads and checks are cut off there.
    public var budgetDeadline: DispatchTime = .distantFuture
    /// The budget in seconds, for the message when it runs out.
    public var budgetSeconds: Double = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
        // A judge that has exited must cost a check, never the grader (a write to its pipe).
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { stopJudge() }

    /// Loads the submission in a worker (checking its ABI) and returns the contracts it registers.
    public func load() throws -> [String] {
        _ = try startJudge()
        return contracts
    }

    var judgeArguments: [String] {
        let prefix = (try? JSONEncoder().encode(configuration.commandPrefix)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [configuration.executable, "judge", "--library", configuration.libraryPath,
                "--memory-mib", "\(configuration.memoryMiB)", "--cpu-seconds", "\(configuration.cpuSeconds)",
                "--processes", "\(configuration.processes)"] + (configuration.denyFileWrites ? ["--no-file-writes"] : []) + ["--data-dir", configuration.dataDirectory, "--load-timeout", "\(configuration.loadTimeoutSeconds)",
                "--worker-prefix-json", prefix]
            + (configuration.submissionDirectory.map { ["--submission-dir", $0] } ?? [])
            + (configuration.diagnose ? ["--diagnose"] : [])
    }

    /// Starts a judge and waits until its worker has loaded the submission.
    func startJudge() throws -> ChildProcess {
        if let judge { return judge }
        // No interactive backtracer: a trap in the judge is reported by its one useful line.
        let process = try ChildProcess(arguments: judgeArguments, environment: ["SWIFT_BACKTRACE": "enable=no"])
        workersOfCurrentJudge = 1
        let loadDeadline = DispatchTime.now() + configuration.loadTimeoutSeconds + 10
        switch process.readLine(until: min(loadDeadline, budgetDeadline), maxBytes: 1 << 20) {
        case .data(let line):
            switch try? WorkerMessageCoding.decoder.decode(WorkerReply.self, from: Data(line)) {
            case .ready(let contracts)?:
                self.contracts = contracts
                judge = process
                return process
            case .loadFailed(let reason, let expected?, let found?)? where reason == "ABI mismatch":
                throw GradingFailure.abiMismatch(expected: expected, found: found)
            case .loadFailed(let reason, _, _)?:
                throw GradingFailure.loadFailed(reason: reason)
            default:
                throw GradingFailure.loadFailed(reason: "the judge sent an unexpected message: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
        case .endOfOutput, .oversized:
            let ended = process.finish(within: .now() + 2)
            throw GradingFailure.loadFailed(reason: "the grader's judge \(ended.description) while loading the submission\(process.stderrLines())")
        case .timedOut:
            process.kill()
            _ = process.finish(within: .now() + 2)
            if DispatchTime.now() >= budgetDeadline { throw BudgetExhausted() }
            throw GradingFailure.loadFailed(reason: "loading took longer than \(Int(configuration.loadTimeoutSeconds)) s")
        }
    }

    func stopJudge() {
        guard let judge else { return }
        judge.closeInput()
        _ = judge.finish(within: .now() + 3)
        self.judge = nil
        workersOfEndedJudges += workersOfCurrentJudge
        workersOfCurrentJudge = 0
    }

    /// The result of a check the submission's time budget left no room for.
    public func notRun(check id: String, seconds: Double = 0) -> CheckResult {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        return CheckResult(group: parts[0], name: parts.count > 1 ? parts[1] : "", status: .errored,
                           message: "not run: the submission used up its time budget of \(Int(budgetSeconds)) s for all checks (rubric limits.submissionSeconds)",
                           seconds: seconds)
    }

    /// Runs one check (`Group.check`) and returns its result, whatever the submission does.
    public func run(check id: String, seed: UInt32, timeoutSeconds: Double? = nil,
                    parameters: [String: Double]? = nil) throws -> CheckResult {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        let (group, name) = (parts[0], parts.count > 1 ? parts[1] : "")
        let started = DispatchTime.now()
        func budgetUsedUp() -> CheckResult {
            notRun(check: id, seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        }
        guard DispatchTime.now() < budgetDeadline else { return budgetUsedUp() }
        let process: ChildProcess
        do {
            process = try startJudge()
        } catch is BudgetExhausted {
            return budgetUsedUp()
        }
        let timeout = timeoutSeconds ?? configuration.checkTimeoutSeconds
        let request = WorkerRequest(check: id, seed: seed, parameters: parameters, timeoutSeconds: timeout)
        let start = DispatchTime.now()
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        func judgeFailed(_ what: String) -> CheckResult {
            let tail = process.stderrLines()
            process.kill()
            stopJudge()
            return CheckResult(group: group, name: name, status: .errored,
                               message: "the grader failed while checking your outputs (\(what)); tell the TA, this is the harness's fault\(tail)",
                               seconds: seconds())
        }
        guard let data = try? WorkerMessageCoding.encoder.encode(request),
              process.writeLine(String(decoding: data, as: UTF8.self)) else { return judgeFailed("its judge did not take the request") }
        // The judge enforces the check's limit (the worker's CPU time, with a wall-clock backstop);
        // this margin covers the worker's restart.
        // The judge cuts the check at the budget itself; 2 s more lets its answer arrive first.
        let backstop = ProcessTreeCPU.wallBackstop(cpuSeconds: timeout)
        switch process.readLine(until: min(start + backstop + configuration.loadTimeoutSeconds + 30, budgetDeadline + 2)) {
        case .data(let line):
            guard case .result(let result, let workers, let peak)? = try? WorkerMessageCoding.decoder.decode(WorkerReply.self, from: Data(line)) else {
                return judgeFailed("an unreadable answer from its judge")
            }
            workersOfCurrentJudge = workers
            judgePeakKiB = max(judgePeakKiB, peak)
            return result
        case .endOfOutput:
            return judgeFailed("its judge \(process.finish(within: .now() + 2).description)")
        case .timedOut where DispatchTime.now() >= budgetDeadline:
            // The submission's time, not the judge's fault: stop its worker with the judge.
            process.kill()
            stopJudge()
            return budgetUsedUp()
        case .timedOut:
            return judgeFailed("its judge did not answer in time")
        case .oversized(let limit):
            return judgeFailed("an answer over \(limit >> 20) MiB")
        }
    }
}
