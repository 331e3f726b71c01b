import Foundation
import GradingModel

/// What `grader run` shows while it grades (issue 16): each check's result as soon as it is known
/// and each group's tally when its last check is done, on stderr. On a terminal a spinner names the
/// running check and its time; in a log, plain lines only. The full report follows on stdout.
final class LiveProgress: @unchecked Sendable {
    private let terminal: Bool
    private let lock = NSLock()
    private var running: (id: String, limit: Double, start: DispatchTime)?
    private var timer: DispatchSourceTimer?
    private var frame = 0
    /// Per group: checks still to come, and the tally so far.
    private var remaining: [String: Int] = [:]
    private var tally: [String: (passed: Int, total: Int)] = [:]
    private static let spinner = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

    init(terminal: Bool, checkIDs: [String]) {
        self.terminal = terminal
        for id in checkIDs { remaining[Self.group(of: id), default: 0] += 1 }
    }

    static func group(of id: String) -> String { String(id.prefix { $0 != "." }) }

    /// A line of its own (compiling, compiled).
    func note(_ line: String) {
        lock.withLock { write(line) }
    }

    func started(_ id: String, limit: Double) {
        lock.withLock {
            running = (id, limit, .now())
            guard terminal else { return }
            if timer == nil {
                let timer = DispatchSource.makeTimerSource(queue: .global())
                timer.schedule(deadline: .now(), repeating: .milliseconds(100))
                timer.setEventHandler { [weak self] in self?.tick() }
                timer.resume()
                self.timer = timer
            }
        }
    }

    func finished(_ result: CheckResult) {
        lock.withLock {
            running = nil
            let mark = result.status == .passed ? "✓" : "✗"
            let why = result.status == .passed ? "" : ": " + (result.message.split(separator: "\n").first.map(String.init) ?? "")
            write("\(mark) \(result.id) (\(String(format: "%.1f", result.seconds)) s)\(why.count > 160 ? String(why.prefix(160)) + "…" : why)")
            let group = result.group
            var counts = tally[group] ?? (0, 0)
            counts.total += 1
            if result.status == .passed { counts.passed += 1 }
            tally[group] = counts
            remaining[group, default: 1] -= 1
            if remaining[group] == 0 {
                write("  \(group): \(counts.passed)/\(counts.total) checks passed")
            }
        }
    }

    func stop() {
        lock.withLock {
            timer?.cancel()
            timer = nil
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
    }

    /// Redraws the spinner line (terminal only).
    private func tick() {
        lock.withLock {
            guard let running else { return }
            frame += 1
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - running.start.uptimeNanoseconds) / 1e9
            let line = "\(Self.spinner[frame % Self.spinner.count]) \(running.id) \(String(format: "%.0f", seconds)) s (limit \(Int(running.limit)) s of CPU)"
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
        }
    }

    /// One finished line; on a terminal it replaces the spinner's.
    private func write(_ line: String) {
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[2K" : "") + line + "\n").utf8))
    }
}
