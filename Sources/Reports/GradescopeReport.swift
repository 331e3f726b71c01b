import Foundation
import GradingModel
import Scoring

/// Gradescope's `results.json` (the fields of its autograder specification): score, max_score
/// and one test per group (carrying the points) plus one per check (max_score 0, for the
/// details), numbered `group.check` and tagged with the group.
public struct GradescopeReport: Codable, Equatable {
    public struct Test: Codable, Equatable {
        public var name: String
        /// `3` for the third group, `3.2` for its second check.
        public var number: String
        public var score: Double
        public var max_score: Double
        public var status: String
        public var output: String
        public var visibility: String
        public var tags: [String]
    }

    public var score: Double
    public var max_score: Double
    /// Seconds the grading took (compile and checks).
    public var execution_time: Int
    public var output: String
    /// The submission's overall visibility; hidden groups carry their own.
    public var visibility: String
    /// Gradescope's own stdout of the run: the harness's log, not for students.
    public var stdout_visibility: String
    public var tests: [Test]

    /// - Parameter visibility: Gradescope's visibility of each group (`visible` when nil).
    public init(_ sheet: ScoreSheet, report: SubmissionReport, visibility: (String) -> String? = { _ in nil }) {
        score = sheet.total
        max_score = sheet.maximum
        execution_time = Int((report.compileSeconds + report.checkSeconds).rounded(.up))
        self.visibility = "visible"
        stdout_visibility = "hidden"
        output = report.failure.map { "Not graded: \($0)" } ?? "Graded \(report.results.count) checks."
        if let containment = report.containment, !containment.sandboxed {
            output += "\nGraded without a sandbox: \(containment.limits.first ?? "")"
        }
        if let containment = report.containment, containment.inContainer {
            output += "\nGraded in a container without namespaces: \(containment.limits.first ?? "")"
        }
        if !report.limitEvents.isEmpty {
            output += "\nYour code reached the grader's limits:\n" + report.limitEvents.map { "- \($0)" }.joined(separator: "\n")
        }
        tests = []
        for (groupIndex, group) in sheet.groups.enumerated() {
            let failed = group.results.filter { $0.status != .passed }.map(\.name)
            let summary = group.note ?? (failed.isEmpty ? "all checks passed" : "failed: \(failed.joined(separator: ", "))")
            let seen = visibility(group.name) ?? "visible"
            tests.append(Test(name: group.name, number: "\(groupIndex + 1)", score: group.earned, max_score: group.extraCredit ? 0 : group.percent,
                              status: group.passed ? "passed" : "failed", output: summary, visibility: seen, tags: [group.name]))
            for (checkIndex, result) in group.results.enumerated() {
                tests.append(Test(name: result.id, number: "\(groupIndex + 1).\(checkIndex + 1)", score: 0, max_score: 0,
                                  status: result.status == .passed ? "passed" : "failed",
                                  output: result.message, visibility: seen, tags: [group.name]))
            }
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
