import ExerciseKit

/// A sequential network; appendLayer gives each trainable layer its own optimizer copy.
public final class NeuralNetwork: NeuralNetworkModel {
    public let optimizer: any Optimizer
    public let weightsInitializer: any Initializer
    public let biasInitializer: any Initializer
    public var layers: [any Layer] = []
    public var dataLayer: (any DataLayer)?
    public var lossLayer: (any LossLayer)?
    public var loss: [Double] = []

    public init(optimizer: any Optimizer, weightsInitializer: any Initializer, biasInitializer: any Initializer) {
        self.optimizer = optimizer
        self.weightsInitializer = weightsInitializer
        self.biasInitializer = biasInitializer
    }
    public func appendLayer(_ layer: any Layer) throws {
        throw ExerciseError.notImplemented("NeuralNetwork.appendLayer")
    }
    public func forward() throws -> Double {
        throw ExerciseError.notImplemented("NeuralNetwork.forward")
    }
    public func backward() throws {
        throw ExerciseError.notImplemented("NeuralNetwork.backward")
    }
    public func train(iterations: Int) throws {
        throw ExerciseError.notImplemented("NeuralNetwork.train")
    }
    public func test(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("NeuralNetwork.test")
    }
}
