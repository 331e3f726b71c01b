import ExerciseKit

/// Every check group the harness implements, by name: the union of the declared exercises
/// (`Exercise.all`) and, in the course's grader, the hidden probes of the harness's oracles.
public enum CheckCatalog {
    /// The groups in the exercises' order, then the hidden probes.
    public static let groups: [CheckGroup] = Exercise.all.flatMap { $0.groups.map(\.checks) }
        + (harnessOracles?.differentialGroups ?? [])

    /// Why the declared exercises cannot be graded with (a name meaning two groups), one line
    /// each; `grader` refuses to start while there is any.
    public static let declarationProblems: [String] = Exercise.declarationProblems(
        Exercise.all, oracleProbes: harnessOracles?.differentialGroups.map(\.name))

    /// The groups that compare a submission's outputs with the reference's (hidden probes; none
    /// in a student's kit).
    public static let differentialGroups: [String] = (harnessOracles?.differentialGroups ?? []).map(\.name)

    /// The groups the judge verifies and scores live with the harness's implementation (trainings,
    /// trained weights): a kit records no answers for them.
    public static let trainingGroups: [String] = declared.filter(\.judgedLive).map(\.name)

    /// Every declared group with what it needs.
    static let declared: [ExerciseGroup] = Exercise.all.flatMap(\.groups)

    /// The group named `name`.
    public static func group(named name: String) -> CheckGroup? {
        groups.first { $0.name == name }
    }

    /// The check `Group.check`.
    public static func check(id: String) -> Check? {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return group(named: parts[0])?.checks.first { $0.name == parts[1] }
    }
}
