import ExerciseKit

/// Every check group the harness implements, by name.
public enum CheckCatalog {
    /// The groups in the exercise's order.
    public static let groups: [CheckGroup] = [
        OptimizerChecks.group,
        InitializerChecks.group,
        FlattenChecks.group,
        ConvChecks.group,
        PoolingChecks.group,
        FullyConnectedChecks.group,
        NeuralNetworkChecks.group,
        ActivationChecks.relu,
        ActivationChecks.softMax,
        ActivationChecks.crossEntropy,
        SoftConvChecks.group,
    ] + FunctionalChecks.groups + TrainingChecks.groups + ModularChecks.groups + [ProtocolBenchmark.group]
        + (harnessOracles?.differentialGroups ?? [])

    /// The groups that compare a submission's outputs with the reference's (hidden probes; none
    /// in a student's kit).
    public static let differentialGroups: [String] = (harnessOracles?.differentialGroups ?? []).map(\.name)

    /// The groups that train a network: they ask the harness's implementation nothing a kit
    /// could record (the judge verifies and scores with it live).
    public static let trainingGroups: [String] = TrainingChecks.groups.map(\.name)
        + [ModularTrainingChecks.overfitSmallData, ModularTrainingChecks.convNetOverfit, ModularTrainingChecks.convNetTrain].map(\.name)

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
