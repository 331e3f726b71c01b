extension Exercise {
    /// The TF2 CNN assignment's checkable parts: Keras parameter counts and output shapes,
    /// question 1.1 in either padding convention, and a shallow network the grader trains and
    /// scores by its parameter count. Points are in `rubric/tf2-cnn.json`.
    public static let tf2CNN = Exercise(
        name: "TF2CNN", title: "The TF2 CNN assignment: parameter counts and a shallow network", folder: "TF2CNN", rubrics: ["tf2-cnn", "tf2-cnn-hidden"],
        groups: [
            ExerciseGroup(TF2CNNChecks.parameterCounts), ExerciseGroup(TF2CNNChecks.outputShapes), ExerciseGroup(TF2CNNChecks.questionOneOneGroup),
            ExerciseGroup(TF2CNNShallowNetwork.group, reads: ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"], judgedLive: true),
        ],
        probes: ["HiddenTF2CNN"],
        requirements: tf2CNNRequirements)
}
