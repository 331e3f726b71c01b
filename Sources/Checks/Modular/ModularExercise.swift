extension Exercise {
    /// The modular-layers assignment's groups in its order (problems 4.1.1 … 4.4.7; the points are
    /// in `rubric/modular.json`). Its trainings read 14×14 MNIST (the assignment's CIFAR-10 cannot
    /// be downloaded here).
    public static let modular = Exercise(
        name: "Modular", title: "The modular-layers assignment", folder: "Modular", rubrics: ["modular", "modular-hidden"],
        groups: [
            ExerciseGroup(ModularLayerChecks.affineForward), ExerciseGroup(ModularLayerChecks.affineBackward),
            ExerciseGroup(ModularLayerChecks.reluLayer), ExerciseGroup(ModularLayerChecks.sandwichLayers),
            ExerciseGroup(ModularLayerChecks.dropoutForward), ExerciseGroup(ModularLayerChecks.dropoutBackward),
            ExerciseGroup(ModularUpdateRuleChecks.sgdMomentum), ExerciseGroup(ModularUpdateRuleChecks.rmsprop),
            ExerciseGroup(ModularUpdateRuleChecks.adam),
            ExerciseGroup(ModularNetworkChecks.twoLayerNet), ExerciseGroup(ModularNetworkChecks.fullyConnectedNet),
            ExerciseGroup(ModularNetworkChecks.fullyConnectedNetDropout),
            ExerciseGroup(ModularTrainingChecks.overfitSmallData, reads: ["mnist14/mnist_train.npz"], judgedLive: true),
            ExerciseGroup(ModularLayerChecks.convForwardNaive), ExerciseGroup(ModularLayerChecks.convBackwardNaive),
            ExerciseGroup(ModularLayerChecks.maxPoolForwardNaive), ExerciseGroup(ModularLayerChecks.maxPoolBackwardNaive),
            ExerciseGroup(ModularNetworkChecks.threeLayerConvNet),
            ExerciseGroup(ModularTrainingChecks.convNetOverfit, reads: ["mnist14/mnist_train.npz"], judgedLive: true),
            ExerciseGroup(ModularTrainingChecks.convNetTrain, reads: ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"], judgedLive: true),
            ExerciseGroup(ModularLayerChecks.lossFunctions),
        ],
        probes: ["HiddenModular"],
        requirements: modularRequirements)
}
