extension Exercise {
    /// Exercise 2: the object-oriented layers (initializers, optimizers, flatten, conv, pooling,
    /// fully connected, the activations, the loss and the network), `rubric/exercise2.json`.
    public static let exercise2 = Exercise(
        name: "Ex2", title: "Exercise 2: layers and optimizers", folder: "Exercise2", rubrics: ["exercise2", "course-hidden"],
        groups: [
            ExerciseGroup(OptimizerChecks.group),
            ExerciseGroup(InitializerChecks.group),
            ExerciseGroup(FlattenChecks.group),
            ExerciseGroup(ConvChecks.group),
            ExerciseGroup(PoolingChecks.group),
            ExerciseGroup(FullyConnectedChecks.group),
            ExerciseGroup(NeuralNetworkChecks.group, reads: ["iris/iris.csv", "digits/digits.csv"]),
            ExerciseGroup(ActivationChecks.relu),
            ExerciseGroup(ActivationChecks.softMax),
            ExerciseGroup(ActivationChecks.crossEntropy),
            ExerciseGroup(SoftConvChecks.group),
            // The judge-worker protocol's cost (`make bench`), over this exercise's objects.
            ExerciseGroup(ProtocolBenchmark.group, listed: false),
        ],
        probes: ["HiddenConv", "HiddenPooling", "HiddenOptimizers", "HiddenInitializers", "HiddenLayers"],
        requirements: exercise2Requirements)
}
