import GradingModel
import Scoring

/// The per-check report a student reads: every group, every failed check with what was expected,
/// what came back, a hint, and the command that reproduces it.
public enum TextReport {
    /// - Parameter reproduce: the command that reruns one check, e.g. `grader run --group G --check C path`.
    public static func render(_ sheet: ScoreSheet, report: SubmissionReport,
                              reproduce: (CheckResult) -> String) -> String {
        var lines: [String] = ["Submission: \(report.submission)"]
        if let failure = report.failure {
            lines.append("NOT GRADED: \(failure)")
            return (lines + containmentLines(report)).joined(separator: "\n")
        }
        for group in sheet.groups {
            let passedCount = group.results.filter { $0.status == .passed }.count
            let verdict = group.passed ? "OK" : "FAIL"
            var header = "\(group.name): \(verdict)"
            if group.diagnostic { header = "\(group.name) [diagnostic, not scored]: \(verdict)" }
            if let note = group.note {
                header += " (\(note))"
            } else {
                header += " (\(passedCount)/\(group.results.count) checks passed)"
            }
            lines.append(header)
            for result in group.results where result.status == .passed && !result.message.isEmpty {
                lines.append("  ✓ \(result.name): \(result.message.replacingOccurrences(of: "\n", with: "; "))")
            }
            for result in group.results where result.status != .passed {
                lines.append("  ✗ \(result.name)\(result.status == .errored ? " [error]" : "")")
                for messageLine in result.message.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append("      \(messageLine)")
                }
                lines.append("      reproduce: \(reproduce(result))")
            }
        }
        return (lines + containmentLines(report)).joined(separator: "\n")
    }

    /// The limits the code reached, and a warning when it ran without the sandbox it should have had.
    static func containmentLines(_ report: SubmissionReport) -> [String] {
        var lines: [String] = []
        if !report.limitEvents.isEmpty {
            lines.append("Limits reached:")
            lines += report.limitEvents.map { "  \($0)" }
        }
        if let containment = report.containment, !containment.sandboxed {
            lines.append("Graded without a sandbox: \(containment.limits.first ?? "")")
        }
        return lines
    }
}
