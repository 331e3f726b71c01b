import ExerciseKit
import Foundation
import RemoteObjects
import Testing
@testable import Checks

/// The pieces of a judge-driven training: the call plan that crosses to the worker, and the
/// judge's own arithmetic that every iteration's answer is checked against.
struct TrainingVerificationTests {
    @Test func aCallPlanCrossesTheWireUnchanged() throws {
        for model in [TrainingRun.Model.mlp, .cnn] {
            let plan = TrainingRun.plan(model)
            let stored = plan.arguments(shared: [.double(1)], samples: .stored(store: 0, indices: [3, 4]))
            #expect(try CallPlan(stored[0]) == plan)
            #expect(stored.count == 4 && stored[3] == .list([.int(3), .int(4)]))
            let sent = plan.arguments(shared: [], samples: .values([[.int(1)], [.int(2)]]))
            #expect(sent.count == 3 && sent[2] == .list([.list([.int(1)]), .list([.int(2)])]))
        }
    }

    /// A plan is the judge's, but the worker still refuses one that would read what does not exist.
    @Test func aMalformedPlanIsABadCall() {
        func plan(_ steps: [WireValue], _ outputs: [WireValue] = []) -> WireValue { .list([.list(steps), .list(outputs)]) }
        let malformed: [(WireValue, String)] = [
            (plan([.list([.string("fc"), .list([.string("r0")]), .none])]), "step 0 uses the result of step 0"),
            (plan([.list([.string("fc"), .list([.string("q1")]), .none])]), "a source is not"),
            (plan([.list([.string("reshape"), .list([.string("p0")]), .none])]), "a reshape takes one source and a shape"),
            (plan([], [.list([.string("r2"), .int(0)])]), "uses the result of step 2"),
            (.list([.int(1)]), "not [steps, outputs]"),
        ]
        for (value, reason) in malformed {
            do {
                _ = try CallPlan(value)
                Issue.record("accepted: \(value)")
            } catch let error as ThrownError {
                #expect(error.kind == .badCall && error.message.contains(reason), "\(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    /// The oracle's mean cross-entropy of softmax(`scores`) over the samples of `data`.
    static func meanLoss(_ data: MNIST, _ scores: (Tensor) -> Tensor) -> Double {
        var total = 0.0
        for index in 0..<data.count {
            var target = Tensor(zeros: [10, 1])
            target.scalars[Int(data.labels.scalars[index])] = 1
            total += FunctionalOracle.crossEntropy(scores(data.column(index)), target)
        }
        return total / Double(max(1, data.count))
    }

    /// Random parameters with non-zero biases (as after some training) and a direction.
    static func point(_ model: TrainingRun.Model, seed: UInt32) -> (p: [Tensor], v: [Tensor]) {
        RandomSource.shared.seed(seed)
        let p = TrainingRun(model: model).initialParameters().map { $0.tensor + RandomSource.shared.normal(shape: $0.tensor.shape, standardDeviation: 0.1) }
        let v = p.enumerated().map { index, t in model == .cnn && index == 1 ? Tensor(zeros: t.shape) : RandomSource.shared.normal(shape: t.shape) }
        return (p, v)
    }

    /// The verifier's loss is the oracle's, and its forward-mode slope the loss's derivative along
    /// the direction (against central differences), for both hw5 networks.
    @Test func theVerifiersLossIsTheOraclesAndItsSlopeTheLossesDerivative() throws {
        let random = RandomSource(seed: 11)
        // Images with background (zeros), as MNIST's.
        let pixels = (0..<(196 * 6)).map { _ in random.uniform() < 0.6 ? 0 : random.uniform() }
        let data = MNIST(images: Tensor(shape: [196, 6], scalars: pixels), labels: Tensor(shape: [1, 6], scalars: [3, 1, 4, 1, 5, 9]))
        for model in [TrainingRun.Model.mlp, .cnn] {
            let (p, v) = Self.point(model, seed: 5)
            let verifier = TrainingVerifier(model: model, data: data)
            let measure = verifier.measure(Array(0..<6)[...], p, along: v)
            let oracle = Self.meanLoss(data) { x in
                model == .mlp ? FunctionalOracle.scoresMLP(x, w1: p[0], b1: p[1], w2: p[2], b2: p[3])
                              : FunctionalOracle.scoresCNN(x, wConv: p[0], bConv: p[1], wFC: p[2], bFC: p[3])
            }
            #expect(abs(measure.loss - oracle) < 1e-9 * max(1, oracle), "\(model): \(measure.loss) against the oracle's \(oracle)")
            let h = 1e-6
            let plus = verifier.measure(Array(0..<6)[...], zip(p, v).map { $0 + h * $1 }, along: v).loss
            let minus = verifier.measure(Array(0..<6)[...], zip(p, v).map { $0 - h * $1 }, along: v).loss
            let difference = (plus - minus) / (2 * h)
            #expect(abs(measure.slope - difference) < 1e-5 * max(1, abs(difference)), "\(model): slope \(measure.slope), central difference \(difference)")
        }
    }

    /// The judge's fast forward pass of the modular networks scores exactly as the clear oracle.
    @Test func theModularVerifierScoresAsTheOracle() {
        let random = RandomSource(seed: 3)
        let x = Tensor(shape: [5, 1, 14, 14], scalars: (0..<(5 * 196)).map { _ in random.uniform() < 0.5 ? 0 : random.normal() })
        var conv: [String: Tensor] = [:]
        for (name, shape) in ModularNetworkChecks.convShapes(filters: 4, size: 5, input: [1, 14, 14], hidden: 8, classes: 10) {
            conv[name] = random.normal(shape: shape, standardDeviation: 0.3)
        }
        let convScores = ModularVerifier.convNet(x, conv), convOracle = ModularOracle.convNetScores(x, conv).scalars
        #expect(zip(convScores, convOracle).allSatisfy { abs($0 - $1) < 1e-10 } && convScores.count == convOracle.count)
        var fc: [String: Tensor] = [:]
        for (name, shape) in ModularNetworkChecks.fcShapes([196, 12, 7, 10]) { fc[name] = random.normal(shape: shape, standardDeviation: 0.3) }
        let rows = x.reshaped([5, 196])
        let fcScores = ModularVerifier.fullyConnected(rows, fc), fcOracle = ModularOracle.fullyConnectedScores(rows, fc, layers: 3).scalars
        #expect(zip(fcScores, fcOracle).allSatisfy { abs($0 - $1) < 1e-10 } && fcScores.count == fcOracle.count)
        let y = [1, 0, 9, 3, 3]
        let measured = ModularVerifier.measure(x, y, conv, .threeLayerConvNet, reg: 0.1).loss
        let expected = ModularOracle.softmaxLoss(ModularOracle.convNetScores(x, conv), y).loss + CheckMath.regularization(conv, reg: 0.1)
        #expect(abs(measured - expected) < 1e-10)
    }
}
