import GradingModel

/// The TF2 CNN assignment's stated requirements and the checks that fail when one is violated.
extension Exercise {
    static let tf2CNNRequirements: [Requirement] = [
        Requirement("tf2.params", "Keras's \"Param #\": k·k·channels·filters + filters per convolution, inputs·units + units per dense layer, 0 otherwise",
                    ["tf2ParameterCounts.givenValid", "tf2ParameterCounts.givenSame", "tf2ParameterCounts.random", "HiddenTF2CNN.summaries"]),
        Requirement("tf2.shapes", "output shapes: valid loses k − 1, same keeps the size, pooling divides (rounding down), flatten multiplies",
                    ["tf2OutputShapes.given", "tf2OutputShapes.random", "HiddenTF2CNN.summaries"]),
        Requirement("tf2.q11", "question 1.1's architecture in one padding convention, counted 1,111,946 (valid) or 3,274,634 (same)",
                    ["tf2QuestionOneOne.architecture"]),
        Requirement("tf2.shallow", "a shallow network (≤ 3 layers with weights) that reaches the accuracy bar; fewer parameters score more",
                    ["tf2ShallowNetwork.accuracy", "tf2ShallowNetwork.under20000", "tf2ShallowNetwork.under5000", "tf2ShallowNetwork.under2500"]),
    ]
}
