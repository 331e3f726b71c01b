import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` in its own process group, with pipes for stdin,
/// stdout and stderr, so the host can time it out and kill everything it started.
final class ChildProcess {
    let pid: pid_t
    private var stdinFD: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private var stdoutBuffer = Data()
    private var stdoutClosed = false
    private var stderrClosed = false
    /// The tail of what the child wrote on stderr (bounded, for crash messages).
    private(set) var stderrTail = Data()
    private let stderrLimit = 16 * 1024
    private var exitStatus: Int32?

    /// Spawns `arguments[0]` with `arguments`, the current environment plus `environment`.
    init(arguments: [String], environment: [String: String] = [:]) throws {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw PluginHostError.spawnFailed(command: arguments[0], reason: String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group, so a timeout kills the child and everything it forked.
        posix_spawnattr_setpgroup(&attributes, 0)
        // Default signal dispositions in the child, whatever the grader has set.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var env = ProcessInfo.processInfo.environment
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
        stdinFD = inPipe[1]
        stdoutFD = outPipe[0]
        stderrFD = errPipe[0]
        for fd in [stdinFD, stdoutFD, stderrFD] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(stdoutFD, F_SETFL, fcntl(stdoutFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFD, F_SETFL, fcntl(stderrFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill()
        if stdinFD >= 0 { close(stdinFD) }
        close(stdoutFD)
        close(stderrFD)
    }

    /// Writes a line to the child's stdin; false if the child has gone.
    @discardableResult
    func writeLine(_ line: String) -> Bool {
        guard stdinFD >= 0 else { return false }
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Closes the child's stdin (it sees end of input).
    func closeInput() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    enum LineResult {
        case line(String)
        case endOfOutput
        case timedOut
    }

    /// The next line of stdout, waiting until `deadline` (collecting stderr meanwhile).
    func readLine(until deadline: DispatchTime) -> LineResult {
        while true {
            if let newline = stdoutBuffer.firstIndex(of: 0x0A) {
                let line = String(decoding: stdoutBuffer[stdoutBuffer.startIndex..<newline], as: UTF8.self)
                stdoutBuffer.removeSubrange(stdoutBuffer.startIndex...newline)
                return .line(line)
            }
            if stdoutClosed { return .endOfOutput }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline.uptimeNanoseconds else { return .timedOut }
            let waitMilliseconds = Int32(min(1000, (deadline.uptimeNanoseconds - now) / 1_000_000 + 1))
            pump(timeoutMilliseconds: waitMilliseconds)
        }
    }

    /// Reads whatever stdout and stderr have, waiting at most `timeoutMilliseconds`.
    private func pump(timeoutMilliseconds: Int32) {
        var fds: [pollfd] = []
        if !stdoutClosed { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if !stderrClosed { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else { return }
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        guard ready > 0 else { return }
        for entry in fds where entry.revents != 0 {
            drain(entry.fd)
        }
    }

    private func drain(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if fd == stdoutFD {
                    stdoutBuffer.append(contentsOf: chunk[0..<count])
                } else {
                    stderrTail.append(contentsOf: chunk[0..<count])
                    if stderrTail.count > stderrLimit { stderrTail = stderrTail.suffix(stderrLimit) }
                }
                continue
            }
            if count == 0 || (errno != EAGAIN && errno != EINTR) {
                if fd == stdoutFD { stdoutClosed = true } else { stderrClosed = true }
            }
            return
        }
    }

    /// Reads until both output pipes close or the deadline passes.
    func drainAll(until deadline: DispatchTime) -> Bool {
        while !(stdoutClosed && stderrClosed) {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline.uptimeNanoseconds else { return false }
            pump(timeoutMilliseconds: Int32(min(1000, (deadline.uptimeNanoseconds - now) / 1_000_000 + 1)))
        }
        return true
    }

    /// Everything the child wrote on stdout that has not been read as a line.
    func remainingOutput() -> String {
        String(decoding: stdoutBuffer, as: UTF8.self)
    }

    /// Kills the child's whole process group (SIGKILL).
    func kill() {
        guard exitStatus == nil else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the child to end and returns how it ended.
    func wait() -> Termination {
        if exitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = status
        }
        return Termination(rawStatus: exitStatus ?? 0)
    }
}

/// How a process ended: an exit code or a signal.
struct Termination: Equatable {
    let rawStatus: Int32

    /// The signal that ended the process; through bubblewrap a signal shows as exit code
    /// 128 + signal (measured), which is read back as that signal.
    var signal: Int32? {
        let low = rawStatus & 0x7F
        if low != 0 && low != 0x7F { return low }
        let code = (rawStatus >> 8) & 0xFF
        return code > 128 && code <= 128 + 31 ? code - 128 : nil
    }

    var exitCode: Int32? { signal == nil ? (rawStatus >> 8) & 0xFF : nil }

    /// `exited with code 1`, `crashed: SIGILL (illegal instruction; a Swift trap such as …)`.
    var description: String {
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
