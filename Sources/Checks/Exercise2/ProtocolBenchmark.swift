import ExerciseKit
import RemoteObjects

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

    /// `count` call plans of 32 samples each (a training iteration's shape): one
    /// `calculateUpdate` per sample on 30×1 tensors, the results summed in the worker.
    static func plans(_ count: Int) -> @Sendable (SubmissionRegistry) throws -> Void {
        { registry in
            let sgd = try require(registry.sgd, "Sgd")(0.5)
            let evaluator = try planEvaluator(sgd as AnyObject, "Sgd")
            let plan = CallPlan(steps: [CallPlan.Step("calculateUpdate", [.shared(0), .sample(0)], shape: [30, 1])],
                                outputs: [.init(.result(step: 0, component: nil))])
            let store = try evaluator.store((0..<32).map { _ in [.tensor(Tensor(repeating: 2, shape: [30, 1]))] })
            let weights = WireValue.tensor(Tensor(repeating: 1, shape: [30, 1]))
            for call in 1...count {
                let sums = try evaluator.evaluate(plan, shared: [weights], samples: .stored(store: store, indices: Array(0..<32))) {}
                guard case .tensor(let sum)? = sums.first, sum.shape == [30, 1], sum.scalars.allSatisfy({ $0 == 0 }) else {
                    throw CheckFailure(expected: "32 × (1 − 0.5·2) = 0 everywhere", got: "\(sums.first.map { "\($0)".prefix(80) } ?? "nothing") at plan \(call)", hint: "Sgd: w − η·g")
                }
            }
        }
    }

    static let group = CheckGroup(name: "ProtocolBenchmark", checks: [
        Check("scalarCalls", "10,000 calls of Sgd.calculateUpdate on scalars", calls(10_000, shape: [])),
        Check("tensorCalls", "1,000 calls of Sgd.calculateUpdate on 100×100 tensors (80 kB each way)", calls(1_000, shape: [100, 100])),
        Check("planCalls", "1,000 call plans of 32 Sgd.calculateUpdate calls on 30×1 tensors, summed in the worker", plans(1_000)),
    ])
}
