/// The modular-layers exercise's groups in the assignment's order (problems 4.1.1 … 4.4.7; the
/// points are in `rubric/modular.json`).
enum ModularChecks {
    static let groups: [CheckGroup] = [
        ModularLayerChecks.affineForward, ModularLayerChecks.affineBackward, ModularLayerChecks.reluLayer,
        ModularLayerChecks.sandwichLayers, ModularLayerChecks.dropoutForward, ModularLayerChecks.dropoutBackward,
        ModularUpdateRuleChecks.sgdMomentum, ModularUpdateRuleChecks.rmsprop, ModularUpdateRuleChecks.adam,
        ModularNetworkChecks.twoLayerNet, ModularNetworkChecks.fullyConnectedNet, ModularNetworkChecks.fullyConnectedNetDropout,
        ModularTrainingChecks.overfitSmallData,
        ModularLayerChecks.convForwardNaive, ModularLayerChecks.convBackwardNaive,
        ModularLayerChecks.maxPoolForwardNaive, ModularLayerChecks.maxPoolBackwardNaive,
        ModularNetworkChecks.threeLayerConvNet, ModularTrainingChecks.convNetOverfit, ModularTrainingChecks.convNetTrain,
        ModularLayerChecks.lossFunctions,
    ]
}
