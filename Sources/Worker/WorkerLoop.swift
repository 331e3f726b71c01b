import Checks
import ExerciseKit
import Foundation
import GradingModel
#if canImport(Glibc)
import Glibc
#endif

/// The worker process: loads one compiled submission and runs the checks the host asks for.
///
/// Results go to the original stdout, which is kept as a private descriptor; the submission's own
/// `print`s are redirected to stderr, so they cannot be mistaken for (or forge) results.
public enum WorkerLoop {
    /// Limits the worker applies to itself before it loads untrusted code.
    public struct Limits: Sendable {
        public var memoryBytes: UInt64
        public var cpuSeconds: UInt64
        public var fileSizeBytes: UInt64 = 64 << 20
        public var processes: UInt64 = 64

        public init(memoryBytes: UInt64, cpuSeconds: UInt64) {
            self.memoryBytes = memoryBytes
            self.cpuSeconds = cpuSeconds
        }
    }

    /// Runs until stdin closes; returns the process exit code.
    public static func run(libraryPath: String, limits: Limits) -> Int32 {
        let results = FileHandle(fileDescriptor: dup(STDOUT_FILENO), closeOnDealloc: true)
        _ = fcntl(results.fileDescriptor, F_SETFD, FD_CLOEXEC)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        // Line-buffered, so what a submission printed before it crashed is not lost with the buffer.
        // (Reached through dlsym: Swift 6 forbids touching the C global `stdout` directly.)
        if let symbol = dlsym(nil, "stdout"),
           let file = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee {
            setvbuf(file, nil, _IOLBF, 0)
        }
        apply(limits)

        func send(_ reply: WorkerReply) {
            guard var data = try? JSONEncoder().encode(reply) else { return }
            data.append(0x0A)
            results.write(data)
        }

        let registry: SubmissionRegistry
        switch load(libraryPath) {
        case .success(let loaded):
            registry = loaded
        case .failure(let failure):
            send(.loadFailed(reason: failure.reason, abiExpected: failure.expected, abiFound: failure.found))
            return 1
        }
        send(.ready(contracts: registry.registeredContracts))

        while let line = readLine() {
            guard let request = try? JSONDecoder().decode(WorkerRequest.self, from: Data(line.utf8)) else { continue }
            send(.result(check: runCheck(request, registry: registry)))
        }
        return 0
    }

    /// Runs one check in this process, turning thrown errors into a failed result.
    public static func runCheck(_ request: WorkerRequest, registry: SubmissionRegistry) -> CheckResult {
        let parts = request.check.split(separator: ".", maxSplits: 1).map(String.init)
        let (group, name) = (parts.first ?? request.check, parts.count > 1 ? parts[1] : "")
        guard let check = CheckCatalog.check(id: request.check) else {
            return CheckResult(group: group, name: name, status: .failed, message: "unknown check \(request.check)")
        }
        RandomSource.shared.seed(request.seed)
        CheckEnvironment.seed = request.seed
        CheckEnvironment.parameters = request.parameters ?? [:]
        _ = CheckNotes.take()
        _ = CheckArtifacts.take()
        let start = DispatchTime.now()
        var status = CheckStatus.passed
        var message = ""
        do {
            try check.run(registry)
        } catch let failure as CheckFailure {
            status = .failed
            message = failure.description
        } catch let error as ExerciseError {
            status = .failed
            message = "\(error)"
            if case .notImplemented = error { message += "\nhint:     implement it (the skeleton throws this)" }
        } catch {
            status = .failed
            message = "the submission threw \(error)"
        }
        let notes = CheckNotes.take()
        if !notes.isEmpty { message = (notes + [message]).filter { !$0.isEmpty }.joined(separator: "\n") }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let artifacts = CheckArtifacts.take()
        return CheckResult(group: group, name: name, status: status, message: message, seconds: seconds,
                           artifacts: artifacts.isEmpty ? nil : artifacts)
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
