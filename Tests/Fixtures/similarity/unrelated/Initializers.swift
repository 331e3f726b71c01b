import ExerciseKit
import Foundation

/// Every weight the same value.
public final class Constant: Initializer {
    let fill: Double
    public init(value: Double = 0.1) { fill = value }
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        Tensor(repeating: fill, shape: weightsShape)
    }
}

/// Uniform on [0, 1).
public final class UniformRandom: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        var out = Tensor(zeros: weightsShape)
        for i in 0..<out.count { out.scalars[i] = RandomSource.shared.uniform() }
        return out
    }
}

/// Draws N(0, σ²) for a spread given by the fans.
func gaussian(_ shape: [Int], deviation: Double) -> Tensor {
    var out = Tensor(zeros: shape)
    for i in 0..<out.count { out.scalars[i] = deviation * RandomSource.shared.normal() }
    return out
}

/// Glorot: σ = √(2 / (fan_in + fan_out)).
public final class Xavier: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        gaussian(weightsShape, deviation: (2 / Double(fanIn + fanOut)).squareRoot())
    }
}

/// He: σ = √(2 / fan_in).
public final class He: Initializer {
    public init() {}
    public func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        gaussian(weightsShape, deviation: (2 / Double(fanIn)).squareRoot())
    }
}
