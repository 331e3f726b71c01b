extension Exercise {
    /// CSC321 (Winter 2015) assignment 2, convolutional nets: the layers (forward and backward),
    /// the convolution by two methods, the YAML configs' counts, and trainings of two configs on
    /// USPS's stand-in (`USPS16`). Points are in `rubric/csc321.json`.
    public static let csc321 = Exercise(
        name: "CSC321", title: "CSC321 assignment 2: convolutional nets", folder: "CSC321", rubrics: ["csc321", "csc321-hidden"],
        groups: [
            ExerciseGroup(CSC321LayerChecks.fullyConnected), ExerciseGroup(CSC321LayerChecks.relu), ExerciseGroup(CSC321LayerChecks.softmax),
            ExerciseGroup(CSC321LayerChecks.convMethod1), ExerciseGroup(CSC321LayerChecks.convMethod2), ExerciseGroup(CSC321LayerChecks.maxPool),
            ExerciseGroup(CSC321NetworkChecks.counts, reads: ["csc321/mlp.yaml", "csc321/cnn.yaml", "csc321/cnn2.yaml"]),
            ExerciseGroup(CSC321NetworkChecks.trainMLP, reads: ["csc321/mlp.yaml", "digits/digits.csv"], judgedLive: true),
            ExerciseGroup(CSC321NetworkChecks.trainCNN, reads: ["csc321/cnn.yaml", "digits/digits.csv"], judgedLive: true),
        ],
        probes: ["HiddenCSC321"],
        requirements: csc321Requirements)
}
