import ExerciseKit

/// A sequential network trained with one optimizer copy per trainable layer.
public final class NeuralNetwork: NeuralNetworkModel {
    public let optimizer: any Optimizer
    public let weightsInitializer: any Initializer
    public let biasInitializer: any Initializer
    public private(set) var layers: [any Layer] = []
    public var dataLayer: (any DataLayer)?
    public var lossLayer: (any LossLayer)?
    public private(set) var loss: [Double] = []
    private var currentLabel = Tensor(zeros: [0])

    public init(optimizer: any Optimizer, weightsInitializer: any Initializer, biasInitializer: any Initializer) {
        self.optimizer = optimizer
        self.weightsInitializer = weightsInitializer
        self.biasInitializer = biasInitializer
    }

    public func appendLayer(_ layer: any Layer) throws {
        if let trainable = layer as? any TrainableLayer {
            try trainable.initialize(weightsInitializer: weightsInitializer, biasInitializer: biasInitializer)
            trainable.optimizer = optimizer.copy()
        }
        layers.append(layer)
    }

    public func forward() throws -> Double {
        guard let dataLayer, let lossLayer else { throw ExerciseError.invalidShape("NeuralNetwork needs a data layer and a loss layer") }
        let (input, label) = try dataLayer.next()
        currentLabel = label
        var activation = input
        for layer in layers { activation = try layer.forward(activation) }
        return try lossLayer.forward(predictionTensor: activation, labelTensor: label)
    }

    public func backward() throws {
        guard let lossLayer else { throw ExerciseError.invalidShape("NeuralNetwork needs a loss layer") }
        var error = try lossLayer.backward(labelTensor: currentLabel)
        for layer in layers.reversed() { error = try layer.backward(error) }
    }

    public func train(iterations: Int) throws {
        for _ in 0..<iterations {
            loss.append(try forward())
            try backward()
        }
    }

    public func test(_ inputTensor: Tensor) throws -> Tensor {
        var activation = inputTensor
        for layer in layers { activation = try layer.forward(activation) }
        return activation
    }
}
