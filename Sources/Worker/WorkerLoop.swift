import CProcess
import ExerciseKit
import Foundation
import GradingModel
import RemoteObjects
#if canImport(Glibc)
import Glibc
#endif

/// The worker process: loads one compiled submission and executes calls on its objects.
///
/// It decides nothing. The judge (a trusted process that never loads student code) sends calls
/// as binary frames ("make a Conv", "forward this tensor on handle 3"); the worker runs the
/// student's code and sends back what it returned or threw. Whatever student code writes on any
/// descriptor can therefore only ever be an answer to the call the judge is waiting for, checked
/// there like any other answer. The channel is a private copy of stdin/stdout; fd 0 reads
/// /dev/null and fd 1 goes to stderr, so a submission's `print` never lands in the channel.
public enum WorkerLoop {
    /// Limits the worker applies to itself before it loads untrusted code.
    public struct Limits: Sendable {
        public var memoryBytes: UInt64
        public var cpuSeconds: UInt64
        public var fileSizeBytes: UInt64 = 64 << 20
        public var processes: UInt64 = 64
        /// Refuse every new process and program to the submission (seccomp). Off only for a
        /// diagnosis rerun: the Swift runtime's backtracer is a program the crashing worker starts.
        public var denyNewProcesses = true
        /// Refuse creating and writing files (seccomp): the container regime, where the worker
        /// has no disk of its own (no mount), so nothing else would bound what it writes.
        public var denyFileWrites = false

        public init(memoryBytes: UInt64, cpuSeconds: UInt64, denyNewProcesses: Bool = true) {
            self.memoryBytes = memoryBytes
            self.cpuSeconds = cpuSeconds
            self.denyNewProcesses = denyNewProcesses
        }
    }

    /// Runs until the judge closes the channel; returns the process exit code.
    public static func run(libraryPath: String, limits: Limits) -> Int32 {
        let requests = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
        let replies = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        let devNull = open("/dev/null", O_RDONLY)
        if devNull >= 0 { dup2(devNull, STDIN_FILENO); close(devNull) }
        dup2(STDERR_FILENO, STDOUT_FILENO)
        // Line-buffered, so what a submission printed before it crashed is not lost with the buffer.
        // (Reached through dlsym: Swift 6 forbids touching the C global `stdout` directly.)
        if let symbol = dlsym(nil, "stdout"),
           let file = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee {
            setvbuf(file, nil, _IOLBF, 0)
        }
        apply(limits)
        let channel = BlockingFrameChannel(input: requests, output: replies)
        if limits.denyNewProcesses, cprocess_deny_new_processes() != 0 {
            // Grading without it would hand a submission more than its report says it had.
            channel.send(.loadFailed(reason: "the worker could not refuse new processes to the submission (seccomp: \(String(cString: strerror(errno)))): grade on Linux (x86_64 or arm64) whose kernel has seccomp filters", expectedABI: 0, foundABI: 0))
            return 1
        }
        if limits.denyFileWrites, cprocess_deny_file_writes() != 0 {
            channel.send(.loadFailed(reason: "the worker could not refuse file writes to the submission (seccomp: \(String(cString: strerror(errno)))): grade on Linux (x86_64 or arm64) whose kernel has seccomp filters", expectedABI: 0, foundABI: 0))
            return 1
        }

        let registry: SubmissionRegistry
        switch load(libraryPath) {
        case .success(let loaded):
            registry = loaded
        case .failure(let failure):
            channel.send(.loadFailed(reason: failure.reason, expectedABI: failure.expected ?? 0, foundABI: failure.found ?? 0))
            return 1
        }
        channel.send(.ready(contracts: registry.registeredContracts))

        let table = ObjectTable(channel: channel)
        let invocation = Invocation(registry: registry, table: table)
        while true {
            let message: WireMessage?
            do { message = try channel.receive(maxBytes: WireLimits.maxRequestBytes) } catch {
                FileHandle.standardError.write(Data("worker: unreadable request: \(error)\n".utf8))
                return 3
            }
            guard case .call(let id, let target, let method, let arguments)? = message else { return 0 }
            let result: Result<WireValue, ThrownError>
            do {
                result = .success(try invocation.run(target: target, method: method, arguments))
            } catch {
                result = .failure(ThrownError(error))
            }
            guard channel.send(.reply(id: id, result: result)) else { return 0 }
        }
    }

    struct LoadFailure: Error {
        var reason: String
        var expected: Int32?
        var found: Int32?
    }

    /// dlopen the library, compare its ABI version, call its registration entry point.
    static func load(_ path: String) -> Result<SubmissionRegistry, LoadFailure> {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            return .failure(LoadFailure(reason: reason))
        }
        // Never dlclose: unloading a Swift library crashes (measured); the process ends instead.
        guard let versionSymbol = dlsym(handle, ExerciseKitABI.versionSymbol) else {
            return .failure(LoadFailure(reason: "missing symbol \(ExerciseKitABI.versionSymbol): not built by the grader"))
        }
        typealias VersionFunction = @convention(c) () -> Int32
        let found = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard found == ExerciseKitABI.version else {
            return .failure(LoadFailure(reason: "ABI mismatch", expected: ExerciseKitABI.version, found: found))
        }
        guard let registerSymbol = dlsym(handle, ExerciseKitABI.registerSymbol) else {
            return .failure(LoadFailure(reason: "missing symbol \(ExerciseKitABI.registerSymbol)"))
        }
        typealias RegisterFunction = @convention(c) (UnsafeMutableRawPointer) -> Void
        let registry = SubmissionRegistry()
        unsafeBitCast(registerSymbol, to: RegisterFunction.self)(Unmanaged.passUnretained(registry).toOpaque())
        return .success(registry)
    }

    static func apply(_ limits: Limits) {
        func set(_ resource: Int32, _ value: UInt64) {
            var limit = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
            setrlimit(__rlimit_resource_t(UInt32(resource)), &limit)
        }
        set(Int32(RLIMIT_AS.rawValue), limits.memoryBytes)
        set(Int32(RLIMIT_CPU.rawValue), limits.cpuSeconds)
        set(Int32(RLIMIT_FSIZE.rawValue), limits.fileSizeBytes)
        set(Int32(RLIMIT_CORE.rawValue), 0)
        // RLIMIT_NPROC counts the user's processes and is not enforced for root (measured).
        set(Int32(__RLIMIT_NPROC.rawValue), limits.processes)
    }
}
