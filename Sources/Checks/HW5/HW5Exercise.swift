extension Exercise {
    /// hw5: the functional API and two trainings on 14×14 MNIST with the student's functions,
    /// plus the weights the student trained and submitted, `rubric/hw5.json`.
    public static let hw5 = Exercise(
        name: "HW5", title: "hw5: the functional API and MNIST trainings", folder: "HW5", rubrics: ["hw5", "hw5-hidden"],
        groups: FunctionalChecks.groups.map { ExerciseGroup($0) } + [
            ExerciseGroup(TrainingChecks.trainMLP, reads: ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"], judgedLive: true),
            ExerciseGroup(TrainingChecks.trainCNN, reads: ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"], judgedLive: true),
            ExerciseGroup(TrainingChecks.submittedMLP, reads: ["mnist14/mnist_test.npz"], grades: "mlp.npz", judgedLive: true),
            ExerciseGroup(TrainingChecks.submittedCNN, reads: ["mnist14/mnist_test.npz"], grades: "cnn.npz", judgedLive: true),
        ],
        probes: ["HiddenFunctional"],
        requirements: hw5Requirements)
}
