/// Which check groups test which contract: the groups that should catch a mutant of that
/// contract's code. Exercise knowledge, kept in one table (a new exercise adds its rows).
public enum ContractGroups {
    static let table: [String: [String]] = {
        var table: [String: [String]] = [:]
        for optimizer in ["Sgd", "SgdWithMomentum", "Adam", "power"] { table[optimizer] = ["TestOptimizers2", "HiddenOptimizers"] }
        for initializer in ["Constant", "UniformRandom", "Xavier", "He"] { table[initializer] = ["TestInitializers", "HiddenInitializers"] }
        table["Flatten"] = ["TestFlatten", "HiddenLayers"]
        table["Conv"] = ["TestConv", "SoftConvTests", "HiddenConv"]
        table["Pooling"] = ["TestPooling", "HiddenPooling"]
        table["FullyConnected"] = ["TestFullyConnected2", "HiddenLayers"]
        table["ReLU"] = ["TestReLU", "HiddenLayers"]
        table["SoftMax"] = ["TestSoftMax", "HiddenLayers"]
        table["CrossEntropyLoss"] = ["TestCrossEntropyLoss", "HiddenLayers"]
        table["NeuralNetwork"] = ["TestNeuralNetwork2"]
        // hw5: each function has its group; the trainings use them all.
        let trainings = ["trainMLP", "trainCNN", "submittedMLP", "submittedCNN"]
        table["getMiniBatch"] = ["getMiniBatch"] + trainings
        for function in ["fc", "fcBackward", "lossCrossEntropySoftmax", "relu", "reluBackward", "pool2x2", "pool2x2Backward"] {
            table[function] = [function, "HiddenFunctional"] + trainings
        }
        for function in ["conv", "convBackward"] { table[function] = [function, "HiddenFunctional"] + trainings }
        table["windowMaximum"] = ["pool2x2", "pool2x2Backward", "HiddenFunctional"] + trainings
        // SIMD helpers of hw5's fully connected layer; other helpers of the functional exercise.
        table["Vector"] = ["fc", "fcBackward", "HiddenFunctional"] + trainings
        table["Functional"] = trainings
        // The modular exercise: each function has its group, and the networks use the layers.
        let fullyConnected = ["twoLayerNet", "fullyConnectedNet", "fullyConnectedNetDropout", "overfitSmallData", "HiddenModular"]
        let convolutional = ["threeLayerConvNet", "convNetOverfit", "convNetTrain", "HiddenModular"]
        for function in ["affineForward", "affineBackward"] { table[function] = [function, "sandwichLayers"] + fullyConnected + convolutional }
        for function in ["reluForward", "reluBackward"] { table[function] = ["reluLayer", "sandwichLayers"] + fullyConnected + convolutional }
        for function in ["affineReluForward", "affineReluBackward"] { table[function] = ["sandwichLayers"] + fullyConnected + convolutional }
        for function in ["dropoutForward", "dropoutBackward"] { table[function] = [function, "fullyConnectedNetDropout"] }
        for function in ["convForwardNaive", "convBackwardNaive", "maxPoolForwardNaive", "maxPoolBackwardNaive"] {
            table[function] = [function] + convolutional
        }
        table["softmaxLoss"] = ["lossFunctions"] + fullyConnected + convolutional
        table["svmLoss"] = ["lossFunctions"]
        table["sgd"] = ["sgdMomentum", "HiddenModular", "overfitSmallData"]
        table["sgdMomentum"] = ["sgdMomentum", "HiddenModular"]
        table["rmsprop"] = ["rmsprop", "HiddenModular"]
        table["adam"] = ["adam", "HiddenModular", "convNetOverfit", "convNetTrain"]
        for network in ["twoLayerNet", "fullyConnectedNet", "FullyConnectedNet", "regularize"] { table[network] = fullyConnected + convolutional }
        for network in ["threeLayerConvNet", "ThreeLayerConvNet"] { table[network] = convolutional }
        table["Dense"] = ["affineForward", "affineBackward", "sandwichLayers"] + fullyConnected + convolutional
        table["Modular"] = fullyConnected + convolutional
        return table
    }()

    /// The groups of `rubricGroups` that test `contract`; empty when the rubric does not test it.
    public static func groups(for contract: String, in rubricGroups: [String]) -> [String] {
        (table[contract] ?? []).filter { rubricGroups.contains($0) }
    }

    /// Every group that tests `contract`, whether or not a rubric has it.
    public static func allGroups(for contract: String) -> [String] { table[contract] ?? [] }
}
