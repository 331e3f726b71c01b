import ExerciseKit

/// The cost of one call across the judge–worker boundary, for `make bench` (in no rubric by
/// default): many calls of `Sgd.calculateUpdate` doing almost no work, each result verified.
enum ProtocolBenchmark {
    static func calls(_ count: Int, shape: [Int]) -> @Sendable (SubmissionRegistry) throws -> Void {
        { registry in
            let sgd = try require(registry.sgd, "Sgd")(0.5)
            let weights = Tensor(repeating: 1, shape: shape), gradient = Tensor(repeating: 2, shape: shape)
            for call in 1...count {
                let updated = try sgd.calculateUpdate(weightTensor: weights, gradientTensor: gradient)
                try expect(updated.scalars.allSatisfy { $0 == 0 }, expected: "1 − 0.5·2 = 0 everywhere", got: "\(updated.scalars.prefix(3))… at call \(call)",
                           hint: "Sgd: w − η·g")
            }
        }
    }

    static let group = CheckGroup(name: "ProtocolBenchmark", checks: [
        Check("scalarCalls", "10,000 calls of Sgd.calculateUpdate on scalars", calls(10_000, shape: [])),
        Check("tensorCalls", "1,000 calls of Sgd.calculateUpdate on 100×100 tensors (80 kB each way)", calls(1_000, shape: [100, 100])),
    ])
}
