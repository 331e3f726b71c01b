import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time (user + system) of a process and all its descendants, from `/proc`: what a check's
/// time limit counts, so a busy grading machine does not decide a borderline grade (measured: a
/// check that took 9.6 s alone took 31 s of wall clock in a loaded batch, for the same CPU).
///
/// Descendants are found by parent id across the whole process table, so the worker inside
/// bubblewrap's namespaces is counted, and children it has waited for count through their
/// parent's `cutime`/`cstime`.
public enum ProcessTreeCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Seconds of CPU used so far by `root` and its descendants (0 when it is gone).
    public static func seconds(root: pid_t) -> Double {
        var parent: [pid_t: pid_t] = [:]
        var ticks: [pid_t: UInt64] = [:]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        for entry in entries {
            guard let pid = pid_t(entry), let (ppid, used) = stat(of: pid) else { continue }
            parent[pid] = ppid
            ticks[pid] = used
        }
        var total: UInt64 = 0
        for (pid, used) in ticks where isDescendant(pid, of: root, parent: parent) { total += used }
        return Double(total) / ticksPerSecond
    }

    /// Every process below `root` (not `root` itself), from the process table. A compiler driver
    /// puts its frontends in process groups of their own, so killing its group misses them.
    public static func descendants(of root: pid_t) -> [pid_t] {
        var parent: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let (ppid, _) = stat(of: pid) else { continue }
            parent[pid] = ppid
        }
        return parent.keys.filter { $0 != root && isDescendant($0, of: root, parent: parent) }
    }

    static func isDescendant(_ pid: pid_t, of root: pid_t, parent: [pid_t: pid_t]) -> Bool {
        var current = pid
        for _ in 0..<64 {  // a depth bound: ids are reused, a cycle is impossible but cheap to rule out
            if current == root { return true }
            guard let next = parent[current], next > 1 else { return false }
            current = next
        }
        return false
    }

    /// The parent id and utime + stime + cutime + cstime (clock ticks) of `pid`.
    static func stat(of pid: pid_t) -> (pid_t, UInt64)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        // "pid (comm) state ppid … utime stime cutime cstime …": comm may hold spaces and ')'.
        guard let close = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 2)..<count].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count > 14, let ppid = pid_t(fields[1]) else { return nil }
        let used = fields[11...14].compactMap { UInt64($0) }.reduce(0, +)
        return (ppid, used)
    }

    /// Words every "the machine, not the submission" timeout carries: a batch grades such a
    /// submission again alone.
    public static let tooBusy = "the grading machine was too busy"

    /// Whether a submission stopped by a wall-clock backstop was computing (a quarter of the wall
    /// time or more on CPU: starved by a busy machine, `tooBusy`) rather than waiting (its own doing).
    public static func wasStarved(cpuSeconds: Double, wallSeconds: Double) -> Bool { cpuSeconds >= 0.25 * wallSeconds }

    /// The wall-clock backstop for a CPU limit: a check that neither computes nor answers
    /// (sleeping, blocked) is still stopped, far enough out that load alone never triggers it.
    public static func wallBackstop(cpuSeconds: Double) -> Double { cpuSeconds * 3 + 10 }

    /// The same for a submission's whole budget: 1.5 × + 10 s. A submission that sleeps instead of
    /// computing holds its slot that long; one that computes but is starved of CPU is told apart
    /// (`tooBusy`) and graded again alone in a batch.
    public static func budgetBackstop(cpuSeconds: Double) -> Double { cpuSeconds * 1.5 + 10 }
}
