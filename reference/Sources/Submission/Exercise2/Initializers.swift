import ExerciseKit
import Foundation

/// Fills every value with one constant (default 0.1).
public final class Constant: Initializer {
    public let value: Double
    public init(value: Double = 0.1) { self.value = value }
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        Tensor(repeating: value, shape: weightsShape)
    }
}

/// Uniform values in [0, 1).
public final class UniformRandom: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        RandomSource.shared.uniform(shape: weightsShape)
    }
}

/// Glorot & Bengio (2010): N(0, σ) with σ = √(2 / (fanIn + fanOut)).
public final class Xavier: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        precondition(fanIn + fanOut > 0, "Xavier needs a positive fan-in + fan-out")
        let sigma = (2.0 / Double(fanIn + fanOut)).squareRoot()
        return RandomSource.shared.normal(shape: weightsShape, standardDeviation: sigma)
    }
}

/// He et al. (2015): N(0, σ) with σ = √(2 / fanIn).
public final class He: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        precondition(fanIn > 0, "He needs a positive fan-in")
        let sigma = (2.0 / Double(fanIn)).squareRoot()
        return RandomSource.shared.normal(shape: weightsShape, standardDeviation: sigma)
    }
}
