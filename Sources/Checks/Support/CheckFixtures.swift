import ExerciseKit

/// Inputs and helper objects the exercise's tests build in their `setUp`.
enum Fixtures {
    /// A one-hot label of `batch` rows over `categories`, classes drawn from the shared source.
    static func oneHot(batch: Int, categories: Int) -> Tensor {
        var label = Tensor(zeros: [batch, categories])
        for row in 0..<batch { label[row, RandomSource.shared.integer(below: categories)] = 1 }
        return label
    }

    /// Uniform [0, 1) values, numpy's `random(shape)`.
    static func random(_ shape: [Int]) -> Tensor { RandomSource.shared.uniform(shape: shape) }

    /// Ten steps of gradient *ascent* on ‖out‖² (error = −output, Sgd(1)): each step must make
    /// Σ out² strictly larger (the tests `test_update` of FC and Conv).
    static func expectAscent(_ layer: any TrainableLayer, input: Tensor, what: String, hint: String) throws {
        for step in 1...10 {
            let output = try layer.forward(input)
            _ = try layer.backward(-output)
            let next = try layer.forward(input)
            let (before, after) = ((output * output).sum(), (next * next).sum())
            try expect(before < after, expected: "\(what): Σ out² grows at step \(step) (update with Sgd(1), error −out)",
                       got: "\(before) then \(after)", hint: hint)
        }
    }

    /// The fraction of rows whose argmax matches the one-hot label's (`Helpers.calculate_accuracy`).
    static func accuracy(_ predictions: Tensor, _ labels: Tensor) throws -> Double {
        try expectShape(predictions, labels.shape, what: "the network's test output",
                        hint: "test(_:) returns the last layer's output, one row of class scores per input")
        let (rows, columns) = (predictions.shape[0], predictions.shape[1])
        var correct = 0
        for row in 0..<rows {
            let predicted = predictions.slice(rows: row..<(row + 1)).argmax()
            if labels.scalars[row * columns + predicted] == 1 { correct += 1 }
        }
        return Double(correct) / Double(rows)
    }
}

/// An initializer that records the fans it was called with and returns a fixed tensor
/// (the tests' nested `TestInitializer`).
final class RecordingInitializer: Initializer {
    private(set) var calls: [(shape: [Int], fanIn: Int, fanOut: Int)] = []
    private let make: ([Int]) -> Tensor

    init(_ make: @escaping ([Int]) -> Tensor) { self.make = make }

    func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        calls.append((weightsShape, fanIn, fanOut))
        return make(weightsShape)
    }
}

/// A constant initializer owned by the harness, so checks of one contract do not depend on the
/// submission's `Constant`.
final class HarnessConstant: Initializer {
    let value: Double
    init(_ value: Double) { self.value = value }
    func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        Tensor(repeating: value, shape: weightsShape)
    }
}
