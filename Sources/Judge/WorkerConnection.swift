import Checks
import ExerciseKit
import Foundation
import GradingModel
import PluginHost
import RemoteObjects

/// The judge's end of one worker: spawns it, waits for it to load the submission, and makes
/// calls on its objects, each with the check's deadline.
///
/// Nothing the worker sends is trusted: a frame that is malformed or too large, a reply to
/// another request, a second reply, output after the answer, a closed pipe or a missed deadline
/// ends the worker and makes the current check `errored` with the reason (``fatal``). While it
/// waits for an answer, the judge serves the worker's calls on the harness's own objects that
/// checks handed to student code (a data layer's `next()`, a recording initializer).
public final class WorkerConnection {
    public struct Configuration: Sendable {
        public var executable: String
        public var libraryPath: String
        public var memoryMiB: Int
        public var cpuSeconds: Int
        public var dataDirectory: String
        /// The sandbox's command prefix, or empty.
        public var commandPrefix: [String]
        public var loadTimeoutSeconds: Double
        /// Set for a debug build's rerun of a check that crashed or hung: the worker runs with
        /// Swift's backtracer, and a hang is sampled (SIGTRAP) before it is stopped, so
        /// ``WorkerConnection/location`` can say where.
        public var diagnose: Bool
        /// The worker's RLIMIT_NPROC (its user's processes and threads).
        public var processes = 64
        /// The worker refuses the submission creating or writing files (the container regime).
        public var denyFileWrites = false

        public init(executable: String, libraryPath: String, memoryMiB: Int, cpuSeconds: Int, dataDirectory: String,
                    commandPrefix: [String], loadTimeoutSeconds: Double, diagnose: Bool = false) {
            self.executable = executable
            self.libraryPath = libraryPath
            self.memoryMiB = memoryMiB
            self.cpuSeconds = cpuSeconds
            self.dataDirectory = dataDirectory
            self.commandPrefix = commandPrefix
            self.loadTimeoutSeconds = loadTimeoutSeconds
            self.diagnose = diagnose
        }
    }

    /// The backtracer's settings for a diagnosing worker: plain text on stderr, the crashed
    /// thread's frames only, no registers or image list (the judge keeps a 16 KiB tail).
    /// `symbolicate=fast` skips inlined frames, which a `-Onone` build has none of, and still
    /// gives each frame its file and line: 0.17 s a report instead of 0.73 s (the worker is the
    /// grader's own large binary).
    static let backtraceSettings = "enable=yes,interactive=no,color=no,output-to=stderr,threads=crashed,registers=none,images=none,sanitize=no,limit=48,top=16,symbolicate=fast"

    /// Why the worker could not be loaded.
    public struct LoadFailure: Error {
        public var reason: String
        public var expectedABI: Int32?
        public var foundABI: Int32?
    }

    /// Thrown by every call once the worker is lost; the check becomes `errored`.
    public struct WorkerLost: Error, CustomStringConvertible {
        public var description: String
    }

    let process: ChildProcess
    public let contracts: [String]
    /// Why this worker can no longer be used (crashed, timed out, broke the protocol); nil while healthy.
    public private(set) var fatal: String?
    /// The check's wall-clock backstop; its real limit is `timeoutSeconds` of the worker's CPU.
    private var deadline: DispatchTime = .distantFuture
    private var timeoutSeconds: Double = 0
    private var checkStart: DispatchTime = .now()
    /// The worker tree's CPU seconds when the check began.
    private var cpuAtStart: Double = 0
    private var nextID: UInt64 = 0
    private var proxies: [UInt32: RemoteObject] = [:]
    private var exported: [UInt32: (object: AnyObject, kind: ObjectKind)] = [:]
    private var exportIDs: [ObjectIdentifier: UInt32] = [:]
    /// Failures of calls that could not throw (property getters), reported with the check.
    public private(set) var quietFailures: [String] = []
    /// See ``Configuration/diagnose``.
    private let diagnose: Bool
    /// Where the student's code crashed or was still running, when diagnosing and found.
    public private(set) var location: CodeLocation?

    public init(configuration c: Configuration) throws {
        // The worker gets no environment of the grader's (a TA's variables never reach student code).
        var environment = ["SWIFT_BACKTRACE": c.diagnose ? Self.backtraceSettings : "enable=no",
                           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        if let home = ProcessInfo.processInfo.environment["HOME"], c.commandPrefix.isEmpty { environment["HOME"] = home }
        // The sandbox sets its own environment (the backtracer off): a diagnosing worker's is set
        // again inside it.
        let backtracer = c.diagnose ? ["/usr/bin/env", "SWIFT_BACKTRACE=\(Self.backtraceSettings)"] : []
        let process = try ChildProcess(arguments: c.commandPrefix + backtracer + [
            c.executable, "worker", "--library", c.libraryPath,
            "--memory-mib", "\(c.memoryMiB)", "--cpu-seconds", "\(c.cpuSeconds)", "--data-dir", c.dataDirectory,
            "--processes", "\(c.processes)",
        ] + (c.denyFileWrites ? ["--no-file-writes"] : []) + (c.diagnose ? ["--allow-backtracer"] : []), environment: environment, inheritEnvironment: false)
        process.stderrCapBytes = Self.outputCapBytes
        self.process = process
        diagnose = c.diagnose
        let loadDeadline = DispatchTime.now() + c.loadTimeoutSeconds
        switch process.readFrame(until: loadDeadline, maxBytes: 1 << 16) {
        case .data(let payload):
            switch try? WireReader.message(payload) {
            case .ready(let contracts)?:
                self.contracts = contracts
            case .loadFailed(let reason, let expected, let found)?:
                process.kill()
                throw LoadFailure(reason: reason, expectedABI: expected == 0 ? nil : expected, foundABI: found == 0 ? nil : found)
            default:
                process.kill()
                throw LoadFailure(reason: "the worker sent something other than its ready message while loading")
            }
        case .endOfOutput:
            let ended = process.finish(within: .now() + 2)
            throw LoadFailure(reason: "the worker \(ended.description) while loading the submission\(process.stderrLines())")
        case .timedOut:
            process.kill()
            throw LoadFailure(reason: "loading took longer than \(Int(c.loadTimeoutSeconds)) s\(process.stderrLines())")
        case .oversized:
            process.kill()
            throw LoadFailure(reason: "the worker sent an oversized message while loading")
        }
    }

    deinit {
        process.closeInput()
        _ = process.finish(within: .now() + 1)
    }

    /// Starts a check: its deadline, fresh handle tables on both sides, the worker's seed.
    public func beginCheck(timeoutSeconds: Double, seed: UInt32) throws {
        self.timeoutSeconds = timeoutSeconds
        checkStart = .now()
        deadline = checkStart + ProcessTreeCPU.wallBackstop(cpuSeconds: timeoutSeconds)
        cpuAtStart = ProcessTreeCPU.seconds(root: process.pid)
        lastCPUSeconds = 0
        proxies = [:]
        exported = [:]
        exportIDs = [:]
        quietFailures = []
        process.resetStderrCount()
        _ = try call(0, "reset", [])
        _ = try call(0, "seed", [.int(Int(seed))])
    }

    /// Ends a check: anything the worker wrote after its last answer is a violation.
    public func endCheck() {
        guard fatal == nil else { return }
        if process.hasUnreadOutput() { lose("the worker wrote more after its answer (a second reply or stray output on the result channel)") }
    }

    /// Calls `method` on the worker's object `target` (0: the worker itself) and returns what the
    /// student's code returned; rethrows what it threw. `whileWaiting` runs once the call is sent,
    /// before the reply is read: the judge's own work on the same inputs overlaps the worker's.
    public func call(_ target: UInt32, _ method: String, _ arguments: [WireValue], whileWaiting: () -> Void = {}) throws -> WireValue {
        if let fatal { throw WorkerLost(description: fatal) }
        nextID += 1
        let id = nextID
        try send(.call(id: id, target: target, method: method, arguments: arguments))
        whileWaiting()
        while true {
            // Wait in slices: between them, the worker's CPU time is what may run out.
            switch process.readFrame(until: min(deadline, .now() + 0.25), maxBytes: WireLimits.maxReplyBytes) {
            case .data(let payload):
                let message: WireMessage
                do { message = try WireReader.message(payload) } catch {
                    throw lose("the worker sent an unreadable reply to \(method): \(error)")
                }
                switch message {
                case .reply(let replyID, let result):
                    guard replyID == id else { throw lose("the worker answered request \(replyID) while \(method) (request \(id)) was waiting") }
                    switch result {
                    case .success(let value): return value
                    case .failure(let error): throw error.rethrown
                    }
                case .call(let callID, let exportID, let callMethod, let callArguments):
                    try send(.reply(id: callID, result: serve(exportID, callMethod, callArguments)))
                default:
                    throw lose("the worker sent an unexpected message during \(method)")
                }
            case .endOfOutput:
                throw lose(ended(during: method))
            case .timedOut:
                let used = cpuSeconds
                if used > timeoutSeconds {
                    if diagnose { sampleStack() }
                    throw lose("timed out: \(Self.format(timeoutSeconds)) s of CPU used (an endless loop, or far too slow) in \(method)")
                }
                if DispatchTime.now() >= deadline {
                    let wall = Double(DispatchTime.now().uptimeNanoseconds - checkStart.uptimeNanoseconds) / 1e9
                    // Computing but starved of CPU is the machine's doing; idle is the submission's.
                    throw lose(ProcessTreeCPU.wasStarved(cpuSeconds: used, wallSeconds: wall)
                        ? "timed out after \(Self.format(wall)) s: \(ProcessTreeCPU.tooBusy) (only \(Self.format(used)) s of CPU for the submission) in \(method)"
                        : "timed out after \(Self.format(wall)) s of waiting with only \(Self.format(used)) s of CPU (sleeping, or blocked on something that never comes) in \(method)")
                }
                continue
            case .oversized(let limit):
                throw lose("the worker's answer to \(method) declared more than \(limit >> 20) MiB: not the grader's protocol (stray or forged output on its result channel)")
            }
        }
    }

    /// CPU seconds the worker (and what it started) used in this check so far; once the worker
    /// is gone, the last measure.
    public var cpuSeconds: Double {
        if fatal == nil { lastCPUSeconds = max(lastCPUSeconds, ProcessTreeCPU.seconds(root: process.pid) - cpuAtStart) }
        return lastCPUSeconds
    }
    private var lastCPUSeconds: Double = 0

    private func send(_ message: WireMessage) throws {
        switch process.write(WireWriter.frame(message), until: deadline) {
        case .written: return
        case .closed: throw lose(ended(during: nil))
        case .timedOut: throw lose("timed out after \(Self.format(timeoutSeconds)) s (the worker stopped reading)")
        }
    }

    /// What a worker may print in one check (its stdout goes to stderr) before it is stopped.
    static let outputCapBytes = 16 << 20

    /// Marks the worker lost and ends it; returns the error to throw.
    @discardableResult
    func lose(_ reason: String) -> WorkerLost {
        if fatal == nil { _ = cpuSeconds; fatal = reason }
        process.kill()
        _ = process.wait()
        return WorkerLost(description: fatal!)
    }

    /// A diagnosing worker past its limit: the backtracer prints where it is (SIGTRAP is one of
    /// the signals it handles), and its report is read before the worker is stopped (a signal
    /// sent from outside does not end it: the backtracer returns and the loop goes on). One sample
    /// per worker: the runtime handles one crash report only (a second signal kills it).
    private func sampleStack() {
        process.signalMainThreads(SIGTRAP, sparing: ["bwrap"])
        // The backtracer's own limit is 30 s; a loaded machine can take seconds to symbolicate.
        _ = process.readStderr(until: "Backtrace took", deadline: .now() + 30)
        readLocation(stillRunning: true)
    }

    private func readLocation(stillRunning: Bool) {
        guard diagnose, location == nil else { return }
        var text = String(decoding: process.stderrTail, as: UTF8.self)
        // A hang's samples follow one another: only the last report counts.
        if stillRunning, let last = text.range(of: "*** Program crashed", options: .backwards) { text = String(text[last.lowerBound...]) }
        location = BacktraceReport.location(in: text, stillRunning: stillRunning)
    }

    private func ended(during method: String?) -> String {
        // The backtracer symbolicates before the worker ends: a debug build's report takes a moment.
        _ = process.drainAll(until: .now() + (diagnose ? 30 : 1))
        readLocation(stillRunning: false)
        let ended = process.finish(within: .now() + 1)
        let when = method.map { " during \($0)" } ?? ""
        if process.exceededStderrCap {
            return "stopped\(when): it printed more than \(Self.outputCapBytes >> 20) MiB (standard output and error together, the limit per check); print less\(process.stderrLines(3))"
        }
        return "\(ended.description)\(when)\(process.stderrLines())"
    }

    // MARK: Values

    /// Records a failure of a call that could not throw (a property); a lost worker is already fatal.
    func noteQuietFailure(_ error: any Error, in method: String) {
        if fatal == nil { quietFailures.append("\(method): \(error)") }
    }

    func quietly(_ method: String, _ body: () throws -> Void) {
        do { try body() } catch { noteQuietFailure(error, in: method) }
    }

    func expectTensor(_ value: WireValue, from method: String) throws -> Tensor {
        guard case .tensor(let tensor) = value else {
            throw CheckFailure(expected: "\(method) returning a tensor", got: "\(Self.describe(value))", hint: "keep the contract's return type")
        }
        return tensor
    }

    func expectDouble(_ value: WireValue, from method: String) throws -> Double {
        guard case .double(let number) = value else {
            throw CheckFailure(expected: "\(method) returning a number", got: "\(Self.describe(value))", hint: "keep the contract's return type")
        }
        return number
    }

    static func describe(_ value: WireValue) -> String {
        switch value {
        case .none: return "nothing"
        case .tensor(let t): return "a tensor of shape \(t.shape)"
        case .string(let s): return String(s.prefix(200))
        default: return "\(value)".prefix(200).description
        }
    }

    /// The proxy for a worker object, or the judge's own object a reference names.
    func object(_ value: WireValue) throws -> AnyObject? {
        switch value {
        case .object(let reference):
            if let proxy = proxies[reference.id] { return proxy }
            let proxy = reference.kind.proxyType.init(reference, connection: self)
            proxies[reference.id] = proxy
            return proxy
        case .exported(let reference):
            guard let entry = exported[reference.id] else { throw lose("the worker named an object of the judge's that does not exist") }
            return entry.object
        case .none:
            return nil
        default:
            throw CheckFailure(expected: "an object", got: Self.describe(value), hint: "keep the contract's return type")
        }
    }

    /// How an object travels to the worker: a proxy by its handle, the judge's own object exported.
    func wireValue(for object: AnyObject, as kind: ObjectKind) -> WireValue {
        if let proxy = object as? RemoteObject, proxy.connection === self { return .object(proxy.reference) }
        if let id = exportIDs[ObjectIdentifier(object)] { return .exported(ObjectReference(id: id, kind: kind)) }
        let id = UInt32(exported.count + 1)
        exported[id] = (object, kind)
        exportIDs[ObjectIdentifier(object)] = id
        return .exported(ObjectReference(id: id, kind: kind))
    }

    // MARK: Calls from the worker on the judge's objects

    /// Runs a call of student code on one of the harness's objects. The arguments come from
    /// untrusted code: every shape is checked before harness code touches it.
    private func serve(_ id: UInt32, _ method: String, _ arguments: [WireValue]) -> Result<WireValue, ThrownError> {
        func bad(_ text: String) -> ThrownError { ThrownError(kind: .other, message: "the grader's \(method): \(text)") }
        guard let (object, _) = exported[id] else { return .failure(bad("no such object")) }
        func tensor(_ index: Int) throws -> Tensor {
            guard index < arguments.count, case .tensor(let t) = arguments[index] else { throw bad("argument \(index + 1) is not a tensor") }
            return t
        }
        func int(_ index: Int) throws -> Int {
            guard index < arguments.count, case .int(let n) = arguments[index] else { throw bad("argument \(index + 1) is not an integer") }
            return n
        }
        do {
            switch (object, method) {
            case (let initializer as any Initializer, "initialize"):
                guard case .list(let items) = arguments.first else { throw bad("no shape") }
                let shape = items.compactMap { if case .int(let n) = $0 { return n } else { return nil } }
                guard shape.count == items.count, shape.count <= WireLimits.maxRank, shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 24 }),
                      Tensor.elementCount(shape) <= 1 << 24 else { throw bad("invalid weightsShape \(shape)") }
                return .success(.tensor(try initializer.initialize(weightsShape: shape, fanIn: try int(1), fanOut: try int(2))))
            case (let data as any DataLayer, "next"):
                let (input, label) = try data.next()
                return .success(.list([.tensor(input), .tensor(label)]))
            case (let optimizer as any Optimizer, "calculateUpdate"):
                let (w, g) = (try tensor(0), try tensor(1))
                guard w.shape == g.shape else { throw bad("weights \(w.shape) and gradient \(g.shape) differ in shape") }
                return .success(.tensor(try optimizer.calculateUpdate(weightTensor: w, gradientTensor: g)))
            case (let optimizer as any Optimizer, "copy"):
                return .success(wireValue(for: optimizer.copy(), as: .optimizer))
            case (let loss as any LossLayer, "forward"):
                let (prediction, label) = (try tensor(0), try tensor(1))
                guard prediction.shape == label.shape else { throw bad("prediction \(prediction.shape) and label \(label.shape) differ in shape") }
                return .success(.double(try loss.forward(predictionTensor: prediction, labelTensor: label)))
            case (let loss as any LossLayer, "backward"):
                return .success(.tensor(try loss.backward(labelTensor: try tensor(0))))
            case (let layer as any Layer, "trainable"):
                return .success(.bool(layer.trainable))
            case (let layer as any Layer, "forward"):
                return .success(.tensor(try layer.forward(try tensor(0))))
            case (let layer as any Layer, "backward"):
                return .success(.tensor(try layer.backward(try tensor(0))))
            default:
                throw bad("no such method")
            }
        } catch let error as ThrownError {
            return .failure(error)
        } catch {
            return .failure(ThrownError(kind: .other, message: "\(error)"))
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))" : String(format: "%.1f", seconds)
    }
}
