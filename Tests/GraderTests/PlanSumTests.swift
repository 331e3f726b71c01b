import ExerciseKit
import RemoteObjects
import Testing
@testable import Worker

/// The worker's sum of a mini-batch's outputs (`Accumulator`, whose loop is `CKernels`' AVX2
/// clone on this machine): exact sums for every length, and a shape change refused by name.
struct PlanSumTests {
    @Test func tensorsOfEveryTailLengthSumExactly() throws {
        for count in [1, 3, 4, 7, 8, 9, 5880] {
            var sum = Accumulator()
            var expected = [Double](repeating: 0, count: count)
            for sample in 0..<5 {
                let values = (0..<count).map { Double($0 * 7 + sample) * 0.5 - 3 }
                for i in 0..<count { expected[i] += values[i] }
                try sum.add(.tensor(Tensor(shape: [count, 1], scalars: values)), from: "fcBackward")
            }
            #expect(sum.value == .tensor(Tensor(shape: [count, 1], scalars: expected)), "length \(count)")
        }
    }

    @Test func numbersSumAndAChangeOfShapeIsNamed() throws {
        var loss = Accumulator()
        try loss.add(.double(1.5), from: "loss")
        try loss.add(.double(2.25), from: "loss")
        #expect(loss.value == .double(3.75))
        var gradient = Accumulator()
        try gradient.add(.tensor(Tensor(zeros: [2, 3])), from: "fcBackward (result 2)")
        do {
            try gradient.add(.tensor(Tensor(zeros: [3, 2])), from: "fcBackward (result 2)")
            Issue.record("a tensor of another shape was added to the sum")
        } catch let error as ThrownError {
            #expect(error.message == "fcBackward (result 2) returned shape [3, 2] for one sample and [2, 3] for another")
        }
        do {
            try gradient.add(.double(1), from: "fcBackward (result 2)")
            Issue.record("a number added to a tensor sum was accepted")
        } catch let error as ThrownError {
            #expect(error.message.contains("fcBackward (result 2) returned a number"))
        }
    }
}
