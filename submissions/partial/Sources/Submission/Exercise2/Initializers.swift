import ExerciseKit
import Foundation

// A student's partial work: initializers done, layers still the skeleton's.

public final class Constant: Initializer {
    public let value: Double
    public init(value: Double = 0.1) { self.value = value }
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        Tensor(repeating: value, shape: weightsShape)
    }
}

public final class UniformRandom: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        let count = weightsShape.reduce(1, *)
        return Tensor(shape: weightsShape, scalars: (0..<count).map { _ in RandomSource.shared.uniform() })
    }
}

public final class Xavier: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        let sigma = sqrt(2.0) / sqrt(Double(fanIn + fanOut))
        let count = weightsShape.reduce(1, *)
        return Tensor(shape: weightsShape, scalars: (0..<count).map { _ in sigma * RandomSource.shared.normal() })
    }
}

public final class He: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        let sigma = sqrt(2.0 / Double(fanIn))
        let count = weightsShape.reduce(1, *)
        return Tensor(shape: weightsShape, scalars: (0..<count).map { _ in sigma * RandomSource.shared.normal() })
    }
}
