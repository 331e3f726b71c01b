import GradingModel
import Rubric

/// The points of one rubric group.
public struct GroupScore: Sendable, Equatable {
    public var name: String
    /// What the group is worth (percent of the exercise).
    public var percent: Double
    /// What was earned: all or nothing, as in the exercise's Bonus mode.
    public var earned: Double
    /// Every check of the group passed.
    public var passed: Bool
    /// Why the group failed without a failed check (e.g. not implemented by the harness yet).
    public var note: String?
    /// The results of its checks, in order.
    public var results: [CheckResult]
    /// Reported but never scored (e.g. TestReLU in exercise 2).
    public var diagnostic: Bool = false
    /// Earned points count; the maximum does not include them.
    public var extraCredit: Bool = false
}

/// Points for a whole submission.
public struct ScoreSheet: Sendable, Equatable {
    public var exercise: String
    public var examPercentage: Double
    public var groups: [GroupScore]
    /// The groups that count for points, in table order.
    public var scoredGroups: [GroupScore] { groups.filter { !$0.diagnostic } }

    public var total: Double { groups.reduce(0) { $0 + $1.earned } }
    /// Extra-credit groups aside: a submission can score above it.
    public var maximum: Double { groups.filter { !$0.extraCredit }.reduce(0) { $0 + $1.percent } }
    /// The exam points of the total: total · examPercentage / 100 (out of 10).
    public var examTotal: Double { total * examPercentage / 100 }
}

public enum Scorer {
    /// Scores a report against a rubric. Groups the harness does not implement fail with a note;
    /// a submission that could not be graded fails every group with its reason.
    public static func score(_ report: SubmissionReport, rubric: Rubric, implementedGroups: Set<String>,
                             onlyGroups: Set<String>? = nil) -> ScoreSheet {
        let groups = rubric.groups.filter { onlyGroups?.contains($0.name) ?? true }.map { group -> GroupScore in
            let results = report.results(inGroup: group.name)
            var note: String?
            if let failure = report.failure {
                note = "not graded: \(failure.split(separator: "\n").first ?? "")"
            } else if !implementedGroups.contains(group.name) {
                note = "not implemented by the harness yet"
            } else if results.isEmpty {
                note = "no checks ran"
            }
            let passed = note == nil && results.allSatisfy { $0.status == .passed }
            return GroupScore(name: group.name, percent: group.percent, earned: passed ? group.percent : 0,
                              passed: passed, note: note, results: results, diagnostic: group.isDiagnostic, extraCredit: group.isExtraCredit)
        }
        return ScoreSheet(exercise: rubric.exercise, examPercentage: rubric.examPercentage, groups: groups)
    }
}
