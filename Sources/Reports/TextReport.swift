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
        let causes = SharedCause.find(in: sheet.groups.flatMap(\.results))
        if !causes.isEmpty {
            lines.append("Causes shared by several checks (fix these first; each is listed once):")
            for cause in causes {
                lines.append("  [\(cause.number)] \(cause.checks.count) checks: \(cause.title)")
                lines.append("      \(cause.checks.map(\.id).joined(separator: ", "))")
                lines.append("      reproduce: \(reproduce(cause.checks[0]))")
            }
        }
        for group in sheet.groups {
            lines.append(groupHeader(group))
            for result in group.results where result.status == .passed && !result.message.isEmpty {
                lines.append("  ✓ \(result.name): \(result.message.replacingOccurrences(of: "\n", with: "; "))")
            }
            var collapsed: [Int: [String]] = [:]
            for result in group.results where result.status != .passed {
                if let cause = causes.first(where: { $0.checks.contains(result) }) {
                    collapsed[cause.number, default: []].append(result.name)
                    continue
                }
                lines.append("  ✗ \(result.name)\(result.status == .errored ? " [error]" : "")")
                for messageLine in result.message.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append("      \(messageLine)")
                }
                lines.append("      reproduce: \(reproduce(result))")
            }
            for cause in causes where collapsed[cause.number] != nil {
                lines.append("  ✗ \(cause.mention(collapsed[cause.number]!))")
            }
        }
        return (lines + containmentLines(report)).joined(separator: "\n")
    }

    /// `TestOptimizers2: FAIL (2/3 checks passed)`, as the report and the streamed progress show it.
    public static func groupHeader(_ group: GroupScore) -> String {
        let passedCount = group.results.filter { $0.status == .passed }.count
        let verdict = group.passed ? "OK" : "FAIL"
        var header = "\(group.name): \(verdict)"
        if group.diagnostic { header = "\(group.name) [diagnostic, not scored]: \(verdict)" }
        if let note = group.note {
            header += " (\(note))"
        } else {
            header += " (\(passedCount)/\(group.results.count) checks passed)"
        }
        return header
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
        if let containment = report.containment, containment.inContainer {
            lines.append("Graded in a container without namespaces: \(containment.limits.first ?? "")")
        }
        return lines
    }
}
