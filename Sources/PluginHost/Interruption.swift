import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C, SIGTERM or SIGHUP while grading. The default would end the grader at once and leave
/// its children running (each is in its own process group) and could let a job record a check
/// its own killing cut short. Instead: mark the run interrupted (stores refuse to record from then
/// on), kill every child's process group, and exit 128 + signal. What was in progress is graded
/// again by the next run.
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var signalled: Int32?
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var cleanups: [Int: () -> Void] = [:]
    nonisolated(unsafe) private static var nextCleanup = 0

    /// Runs `cleanup` if the run is interrupted (unmount, remove a work folder) until `remove`d.
    public static func addCleanup(_ cleanup: @escaping () -> Void) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextCleanup += 1
        cleanups[nextCleanup] = cleanup
        return nextCleanup
    }

    /// Unregisters a cleanup; true when the caller now owns it. False once the run is interrupted:
    /// the handler took every cleanup when it was signalled (under the same lock) and is running
    /// them, so running it too would race it (two removals of one tree each stop at what the
    /// other removed, and leave the folder).
    @discardableResult
    public static func removeCleanup(_ token: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        cleanups[token] = nil
        return signalled == nil
    }

    /// Whether the run has been interrupted: nothing may be recorded any more.
    public static var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return signalled != nil
    }

    /// Call before exiting: once interrupted, the handler owns the exit (it is still killing
    /// children and removing folders), so the caller waits for it instead of exiting first.
    public static func yieldIfInterrupted() {
        guard isRequested else { return }
        while true { sleep(1) }
    }

    /// Installs the handlers; `message` is printed on stderr before exiting.
    public static func install(message: String = "interrupted: what was in progress is graded again on the next run") {
        let queue = DispatchQueue(label: "grader.interruption")
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                lock.lock()
                signalled = number
                let pending = Array(cleanups.values)
                lock.unlock()
                LiveChildren.shared.killAll()
                for cleanup in pending { cleanup() }
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
