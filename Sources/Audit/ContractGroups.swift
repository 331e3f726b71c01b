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
        // The modular exercise: its functions share names with hw5's (reluBackward), so they are
        // keyed by their type; each has its group, and the networks use the layers.
        let fullyConnected = ["twoLayerNet", "fullyConnectedNet", "fullyConnectedNetDropout", "overfitSmallData", "HiddenModular"]
        let convolutional = ["threeLayerConvNet", "convNetOverfit", "convNetTrain", "HiddenModular"]
        var modular: [String: [String]] = [:]
        for function in ["affineForward", "affineBackward"] { modular[function] = [function, "sandwichLayers"] + fullyConnected + convolutional }
        for function in ["reluForward", "reluBackward"] { modular[function] = ["reluLayer", "sandwichLayers"] + fullyConnected + convolutional }
        for function in ["affineReluForward", "affineReluBackward"] { modular[function] = ["sandwichLayers"] + fullyConnected + convolutional }
        for function in ["dropoutForward", "dropoutBackward"] { modular[function] = [function, "fullyConnectedNetDropout"] }
        for function in ["convForwardNaive", "convBackwardNaive", "maxPoolForwardNaive", "maxPoolBackwardNaive"] {
            modular[function] = [function] + convolutional
        }
        modular["softmaxLoss"] = ["lossFunctions"] + fullyConnected + convolutional
        modular["svmLoss"] = ["lossFunctions"]
        modular["sgd"] = ["sgdMomentum", "HiddenModular", "overfitSmallData"]
        modular["sgdMomentum"] = ["sgdMomentum", "HiddenModular"]
        modular["rmsprop"] = ["rmsprop", "HiddenModular"]
        modular["adam"] = ["adam", "HiddenModular", "convNetOverfit", "convNetTrain"]
        modular["twoLayerNet"] = fullyConnected
        modular["fullyConnectedNet"] = fullyConnected
        modular["threeLayerConvNet"] = convolutional
        for (function, groups) in modular { table["Modular." + function] = groups }
        table["Modular"] = fullyConnected + convolutional
        table["FullyConnectedNet"] = fullyConnected
        table["regularize"] = fullyConnected + convolutional
        table["ThreeLayerConvNet"] = convolutional
        table["Dense"] = ["affineForward", "affineBackward", "sandwichLayers"] + fullyConnected + convolutional
        // CSC321: its functions are keyed by their type too (reluBackward again); the trainings use the layers.
        let cscTrainings = ["csc321TrainMLP", "csc321TrainCNN"]
        let cscConvolution = ["csc321ConvMethod1", "csc321ConvMethod2", "HiddenCSC321", "csc321TrainCNN"]
        var csc: [String: [String]] = [:]
        for function in ["fcForward", "fcBackward"] { csc[function] = ["csc321FullyConnected", "HiddenCSC321"] + cscTrainings }
        for function in ["reluForward", "reluBackward"] { csc[function] = ["csc321ReLU", "HiddenCSC321"] + cscTrainings }
        csc["softmaxCrossEntropy"] = ["csc321Softmax", "HiddenCSC321"] + cscTrainings
        for function in ["convForward", "convBackward"] { csc[function] = cscConvolution }
        for function in ["maxPoolForward", "maxPoolBackward"] { csc[function] = ["csc321MaxPool", "HiddenCSC321", "csc321TrainCNN"] }
        csc["layerCounts"] = ["csc321Counts", "HiddenCSC321"]
        for (function, groups) in csc { table["CSC321." + function] = groups }
        table["CSC321"] = Array(Set(csc.values.flatMap { $0 })).sorted()
        table["ConvGeometry"] = cscConvolution
        // TF2 CNN: the reference counts parameters from its shapes.
        table["TF2CNN.outputShapes"] = ["tf2OutputShapes", "tf2ParameterCounts", "tf2QuestionOneOne", "HiddenTF2CNN"]
        table["TF2CNN.parameterCounts"] = ["tf2ParameterCounts", "tf2QuestionOneOne", "HiddenTF2CNN"]
        table["TF2CNN.questionOneOne"] = ["tf2QuestionOneOne"]
        table["TF2CNN.shallowNetwork"] = ["tf2ShallowNetwork"]
        return table
    }()

    /// The groups of `rubricGroups` that test `contract`; empty when the rubric does not test it.
    public static func groups(for contract: String, in rubricGroups: [String]) -> [String] {
        (table[contract] ?? []).filter { rubricGroups.contains($0) }
    }

    /// Every group that tests `contract`, whether or not a rubric has it.
    public static func allGroups(for contract: String) -> [String] { table[contract] ?? [] }
}
