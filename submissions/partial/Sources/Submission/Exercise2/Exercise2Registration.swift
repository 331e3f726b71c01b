import ExerciseKit

/// Exercise 2's layers, initializers, optimizers and network: called by `registerSubmission` (Registration.swift).
func registerExercise2(_ registry: SubmissionRegistry) {
    registry.constant = { Constant(value: $0) }
    registry.uniformRandom = { UniformRandom() }
    registry.xavier = { Xavier() }
    registry.he = { He() }
    registry.sgd = { Sgd(learningRate: $0) }
    registry.sgdWithMomentum = { SgdWithMomentum(learningRate: $0, momentumRate: $1) }
    registry.adam = { Adam(learningRate: $0, mu: $1, rho: $2) }
    registry.flatten = { Flatten() }
    registry.fullyConnected = { FullyConnected(inputSize: $0, outputSize: $1) }
    registry.reLU = { ReLU() }
    registry.softMax = { SoftMax() }
    registry.conv = { Conv(strideShape: $0, convolutionShape: $1, numKernels: $2) }
    registry.pooling = { Pooling(strideShape: $0, poolingShape: $1) }
    registry.crossEntropyLoss = { CrossEntropyLoss() }
    registry.neuralNetwork = { NeuralNetwork(optimizer: $0, weightsInitializer: $1, biasInitializer: $2) }
}
