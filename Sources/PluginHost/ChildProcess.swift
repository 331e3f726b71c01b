import CProcess
import Foundation
import RemoteObjects
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` in its own process group, with pipes for stdin,
/// stdout and stderr, so the host can time it out and kill everything it started.
///
/// Nothing here trusts the child: every read and write has a deadline, what is buffered from
/// stdout is capped, stderr keeps only a bounded tail, and a child that closes its pipes or stops
/// reading is reported, never waited for. Pipes are close-on-exec and the child starts with only
/// descriptors 0–2, so no descriptor of the grader (or of another job's child) leaks into it.
public final class ChildProcess {
    public let pid: pid_t
    private var stdinFD: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    /// Unread stdout bytes are `stdoutBuffer[stdoutStart...]` (consumed from the front without copying).
    private var stdoutBuffer: [UInt8] = []
    private var stdoutStart = 0
    /// How far `readLine` has already searched for a newline.
    private var scannedUpTo = 0
    private var stdoutClosed = false
    private var stderrClosed = false
    /// The tail of what the child wrote on stderr (bounded, for crash messages).
    public private(set) var stderrTail: [UInt8] = []
    private let stderrLimit = 16 * 1024
    /// Bytes the child has written on stderr in all.
    public private(set) var stderrBytes = 0
    /// When set, a child that writes more than this on stderr is killed: printing gigabytes costs
    /// the host's CPU to read them (measured: 2 GiB per check), so it is a limit like memory.
    public var stderrCapBytes: Int?
    /// Whether the child was killed for passing `stderrCapBytes`.
    public private(set) var exceededStderrCap = false

    /// Starts counting stderr towards `stderrCapBytes` afresh (a new check of the same worker).
    public func resetStderrCount() { stderrBytes = 0 }
    private var exitStatus: Int32?
    /// One read buffer for the child's life (a call's round trip must not allocate 64 KiB twice).
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    /// Spawns `arguments[0]` with `arguments`. The environment is the grader's plus `environment`,
    /// or only `environment` when `inheritEnvironment` is false (untrusted code sees nothing of the
    /// TA's shell).
    public init(arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true) throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // O_CLOEXEC at creation: another thread's spawn must never inherit these (a race with fcntl).
        guard cprocess_pipe_cloexec(&inPipe) == 0 else { throw Self.spawnError(arguments) }
        guard cprocess_pipe_cloexec(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1]); throw Self.spawnError(arguments)
        }
        guard cprocess_pipe_cloexec(&errPipe) == 0 else {
            for fd in inPipe + outPipe { close(fd) }
            throw Self.spawnError(arguments)
        }
        // 1 MiB pipes (Linux's unprivileged maximum), so a training iteration's call and answer
        // (about 100 KiB each) cross in one write, not in 64 KiB turns of both processes.
        for fd in [inPipe[1], outPipe[1]] { _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, 1 << 20) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO)
        // Only 0, 1 and 2 reach the child: not the TA shell's extra descriptors, not other jobs' pipes.
        cprocess_spawn_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group, so a timeout kills the child and everything it forked.
        posix_spawnattr_setpgroup(&attributes, 0)
        // Default signal dispositions in the child, whatever the grader has set (it ignores SIGPIPE).
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        for (key, value) in environment { env[key] = value }
        let envStrings = env.map { "\($0.key)=\($0.value)" }

        var childPID: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(envStrings) { envp in
                posix_spawn(&childPID, arguments[0], &actions, &attributes, argv, envp)
            }
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard status == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw PluginHostError.spawnFailed(command: arguments[0], reason: String(cString: strerror(status)))
        }
        pid = childPID
        LiveChildren.shared.insert(childPID)
        stdinFD = inPipe[1]
        stdoutFD = outPipe[0]
        stderrFD = errPipe[0]
        for fd in [stdinFD, stdoutFD, stderrFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    private static func spawnError(_ arguments: [String]) -> PluginHostError {
        .spawnFailed(command: arguments[0], reason: String(cString: strerror(errno)))
    }

    deinit {
        kill()
        if exitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        LiveChildren.shared.remove(pid)
        if stdinFD >= 0 { close(stdinFD) }
        close(stdoutFD)
        close(stderrFD)
    }

    public enum WriteResult: Equatable {
        case written
        /// The child closed its stdin (it exited, or closed the descriptor).
        case closed
        /// The child stopped reading until the deadline.
        case timedOut
    }

    /// Writes bytes to the child's stdin, waiting at most until `deadline` for it to read them.
    public func write(_ bytes: [UInt8], until deadline: DispatchTime) -> WriteResult {
        guard stdinFD >= 0 else { return .closed }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress, $0.count) }
            if written > 0 { offset += written; continue }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && errno == EAGAIN {
                let remaining = Self.milliseconds(until: deadline)
                if remaining <= 0 { return .timedOut }
                var entry = pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, remaining)
                // Meanwhile keep stderr flowing, so a child blocked on a full stderr pipe can go on.
                drain(stderrFD)
                continue
            }
            return .closed  // EPIPE (SIGPIPE is ignored) or another error: the child is gone
        }
        return .written
    }

    /// Writes a line to the child's stdin (waiting at most 10 s); false if the child has gone.
    @discardableResult
    public func writeLine(_ line: String, until deadline: DispatchTime = .now() + 10) -> Bool {
        write(Array(line.utf8) + [0x0A], until: deadline) == .written
    }

    /// Closes the child's stdin (it sees end of input).
    public func closeInput() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    public enum ReadResult: Equatable {
        case data([UInt8])
        case endOfOutput
        case timedOut
        /// The child sent more than the allowed size without completing a line or frame.
        case oversized(limit: Int)
    }

    private var unread: Int { stdoutBuffer.count - stdoutStart }

    private func consume(_ count: Int) -> [UInt8] {
        let bytes = Array(stdoutBuffer[stdoutStart..<(stdoutStart + count)])
        stdoutStart += count
        scannedUpTo = max(scannedUpTo, stdoutStart)
        // Compact once the consumed front dominates, so the buffer does not grow with the session.
        if stdoutStart > 65_536 && stdoutStart * 2 > stdoutBuffer.count {
            stdoutBuffer.removeFirst(stdoutStart)
            scannedUpTo -= stdoutStart
            stdoutStart = 0
        }
        return bytes
    }

    /// The next line of stdout (without its newline), waiting until `deadline`; a line longer than
    /// `maxBytes` is `.oversized`, and nothing more than that is ever buffered.
    public func readLine(until deadline: DispatchTime, maxBytes: Int = 64 << 20) -> ReadResult {
        while true {
            if let newline = stdoutBuffer[max(scannedUpTo, stdoutStart)...].firstIndex(of: 0x0A) {
                let line = consume(newline - stdoutStart + 1)
                return .data(Array(line.dropLast()))
            }
            scannedUpTo = stdoutBuffer.count
            if unread > maxBytes { return .oversized(limit: maxBytes) }
            if stdoutClosed { return .endOfOutput }
            guard pump(until: deadline, readLimit: maxBytes + 1) else { return .timedOut }
        }
    }

    /// The next frame of stdout: a 4-byte little-endian length, then that many bytes (returned
    /// without the length). A declared length over `maxBytes` is `.oversized` at once.
    public func readFrame(until deadline: DispatchTime, maxBytes: Int) -> ReadResult {
        while true {
            if unread >= 4 {
                let length = stdoutBuffer[stdoutStart..<(stdoutStart + 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
                if length > maxBytes { return .oversized(limit: maxBytes) }
                if unread >= 4 + length {
                    _ = consume(4)
                    return .data(consume(length))
                }
            }
            if stdoutClosed { return .endOfOutput }
            // A reply to a small call usually comes within microseconds: look for it briefly
            // before sleeping in poll (a wake-up costs more than the call itself on an idle machine).
            if spin.shouldSpin() {
                let arrived = spinUntilReadable(microseconds: SpinPolicy.microseconds)
                spin.record(success: arrived)
                if arrived { drain(stdoutFD, limit: maxBytes + 4); continue }
            }
            guard pump(until: deadline, readLimit: maxBytes + 4) else { return .timedOut }
        }
    }

    private var spin = SpinPolicy()

    private func spinUntilReadable(microseconds: UInt64) -> Bool {
        let end = DispatchTime.now().uptimeNanoseconds + microseconds * 1000
        var entry = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
        repeat {
            if poll(&entry, 1, 0) > 0 { return true }
        } while DispatchTime.now().uptimeNanoseconds < end
        return false
    }

    /// Whether the child has written stdout bytes nobody has read yet (checked without waiting).
    public func hasUnreadOutput() -> Bool {
        drain(stdoutFD, limit: 1 << 20)
        return unread > 0
    }

    /// Waits for output until `deadline`; false when the deadline has passed.
    private func pump(until deadline: DispatchTime, readLimit: Int) -> Bool {
        let remaining = Self.milliseconds(until: deadline)
        guard remaining > 0 else { return false }
        var fds: [pollfd] = []
        if !stdoutClosed { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if !stderrClosed { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else { return true }
        let ready = poll(&fds, nfds_t(fds.count), min(remaining, 1000))
        guard ready > 0 else { return true }
        for entry in fds where entry.revents != 0 {
            drain(entry.fd, limit: readLimit)
        }
        return true
    }

    /// Reads what `fd` has now; stdout up to `limit` unread bytes, stderr into the bounded tail.
    private func drain(_ fd: Int32, limit: Int = 64 << 20) {
        if fd == stdoutFD ? stdoutClosed : stderrClosed { return }
        while fd != stdoutFD || unread < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if fd == stdoutFD {
                    stdoutBuffer.append(contentsOf: chunk[0..<count])
                } else {
                    stderrTail.append(contentsOf: chunk[0..<count])
                    stderrBytes += count
                    if let cap = stderrCapBytes, stderrBytes > cap, !exceededStderrCap {
                        exceededStderrCap = true
                        kill()
                    }
                    // A fresh array: a suffix of the old one would keep its whole storage alive.
                    if stderrTail.count > 2 * stderrLimit { stderrTail = Array(stderrTail.suffix(stderrLimit)) }
                }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 || errno != EAGAIN {
                if fd == stdoutFD { stdoutClosed = true } else { stderrClosed = true }
            }
            return
        }
    }

    /// Reads until both output pipes close or the deadline passes, keeping at most the first
    /// 1 MiB of stdout unread (see ``remainingOutput()``).
    public func drainAll(until deadline: DispatchTime) -> Bool {
        while !(stdoutClosed && stderrClosed) {
            guard pump(until: deadline, readLimit: 2 << 20) else { return false }
            if unread > 1 << 20 { stdoutBuffer.removeLast(unread - (1 << 20)) }
        }
        return true
    }

    /// Reads until the stderr tail contains `marker`, both pipes close or the deadline passes;
    /// whether the marker came.
    public func readStderr(until marker: String, deadline: DispatchTime) -> Bool {
        let bytes = Array(marker.utf8)
        func found() -> Bool { stderrTail.firstRange(of: bytes) != nil }
        while !found() && !(stdoutClosed && stderrClosed) {
            guard pump(until: deadline, readLimit: 2 << 20) else { return found() }
            if unread > 1 << 20 { stdoutBuffer.removeLast(unread - (1 << 20)) }
        }
        return found()
    }

    /// Everything the child wrote on stdout that has not been read (bounded), as text.
    public func remainingOutput() -> String {
        String(decoding: stdoutBuffer[stdoutStart...], as: UTF8.self)
    }

    /// Kills the child's whole process group and every descendant (SIGKILL).
    public func kill() {
        guard exitStatus == nil else { return }
        Self.killTree(pid)
    }

    /// Sends `signal` to the main thread of the child and of each descendant, except processes
    /// named in `sparing` (a sandbox's own bubblewrap processes, which would die of it without
    /// passing it on). The main thread, not the process: a process-directed signal may land on
    /// any thread (measured: a worker's stack sample came from the wrong thread now and then).
    public func signalMainThreads(_ signal: Int32, sparing: Set<String>) {
        guard exitStatus == nil else { return }
        for target in [pid] + ProcessTreeCPU.descendants(of: pid) {
            let name = (try? String(contentsOfFile: "/proc/\(target)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let name, sparing.contains(name) { continue }
            _ = cprocess_signal_thread(target, target, signal)
        }
    }

    /// SIGKILL to `pid`, its process group and its descendants (found first, so none is reparented away).
    static func killTree(_ pid: pid_t) {
        let below = ProcessTreeCPU.descendants(of: pid)
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        for child in below { _ = Glibc.kill(child, SIGKILL) }
    }

    /// Waits for the child to end and returns how it ended.
    public func wait() -> Termination {
        if exitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = status
        }
        LiveChildren.shared.remove(pid)
        return Termination(rawStatus: exitStatus ?? 0)
    }

    /// Waits up to `deadline` for the child to end by itself, then kills it; returns how it ended.
    public func finish(within deadline: DispatchTime) -> Termination {
        while exitStatus == nil {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { exitStatus = status; break }
            if result < 0 && errno != EINTR { break }
            if Self.milliseconds(until: deadline) <= 0 { kill(); break }
            usleep(5_000)
        }
        return wait()
    }

    /// The last lines the child wrote on stderr, indented, or "" (context for a crash). The
    /// runtime's own stack dump after a `Fatal error` line is left out: its addresses say nothing
    /// to a student, and they would push the message itself out of view.
    public func stderrLines(_ count: Int = 6) -> String {
        let text = String(decoding: stderrTail.suffix(stderrLimit), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { !Self.isStackDumpLine($0) }
            .suffix(count).map { $0.count > 300 ? String($0.prefix(300)) + "…" : String($0) }
        return lines.isEmpty ? "" : "\nlast output:\n" + lines.map { "  \($0)" }.joined(separator: "\n")
    }

    /// `Current stack trace:` and its frames, `3    libswiftCore.so    0x00007f… <unavailable> + 12`.
    static func isStackDumpLine(_ line: Substring) -> Bool {
        if line == "Current stack trace:" { return true }
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count >= 3 && Int(fields[0]) != nil && fields[2].hasPrefix("0x")
    }

    static func milliseconds(until deadline: DispatchTime) -> Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < deadline.uptimeNanoseconds else { return 0 }
        return Int32(min(Int64(Int32.max), Int64((deadline.uptimeNanoseconds - now) / 1_000_000) + 1))
    }
}

/// How a process ended: an exit code or a signal.
public struct Termination: Equatable, Sendable {
    public let rawStatus: Int32

    public init(rawStatus: Int32) { self.rawStatus = rawStatus }

    /// The signal that ended the process; through bubblewrap a signal shows as exit code
    /// 128 + signal (measured), which is read back as that signal.
    public var signal: Int32? {
        let low = rawStatus & 0x7F
        if low != 0 && low != 0x7F { return low }
        let code = (rawStatus >> 8) & 0xFF
        return code > 128 && code <= 128 + 31 ? code - 128 : nil
    }

    public var exitCode: Int32? { signal == nil ? (rawStatus >> 8) & 0xFF : nil }

    /// `exited with code 1`, `crashed: SIGILL (illegal instruction; a Swift trap such as …)`.
    public var description: String {
        if let signal { return "crashed: \(Termination.name(of: signal))" }
        return "exited with code \(exitCode ?? -1)"
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGILL: return "SIGILL (a Swift runtime trap: index out of range, force unwrap of nil, fatalError, overflow)"
        case SIGTRAP: return "SIGTRAP (a Swift runtime trap)"
        case SIGSEGV: return "SIGSEGV (invalid memory access or runaway recursion)"
        case SIGBUS: return "SIGBUS (invalid memory access)"
        case SIGABRT: return "SIGABRT (aborted)"
        case SIGFPE: return "SIGFPE (arithmetic error)"
        case SIGKILL: return "SIGKILL (killed: memory or time limit)"
        case SIGXCPU: return "SIGXCPU (CPU-time limit exceeded)"
        case SIGXFSZ: return "SIGXFSZ (file-size limit exceeded)"
        default: return "signal \(signal)"
        }
    }
}

/// Calls `body` with a NULL-terminated C array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}

/// The process groups of every child still running, so a grader that is interrupted (Ctrl-C,
/// SIGTERM) can end them all before it exits: nothing it started keeps writing afterwards.
public final class LiveChildren: @unchecked Sendable {
    public static let shared = LiveChildren()
    private var groups: Set<pid_t> = []
    private let lock = NSLock()

    func insert(_ pid: pid_t) { lock.lock(); groups.insert(pid); lock.unlock() }
    func remove(_ pid: pid_t) { lock.lock(); groups.remove(pid); lock.unlock() }

    /// SIGKILL to every live child's process group.
    public func killAll() {
        lock.lock()
        let all = groups
        lock.unlock()
        for pid in all { ChildProcess.killTree(pid) }
    }
}
