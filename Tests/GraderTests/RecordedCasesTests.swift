@testable import Checks
import ExerciseKit
import Foundation
import Testing

/// Issue 26: a kit's public checks answer from recorded cases, looked up by the question's digest.
@Suite struct RecordedCasesTests {
    @Test func aQuestionsDigestChangesWithEveryInputAndNothingElse() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), w = Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 0])
        let b = Tensor(shape: [2], scalars: [0, 1])
        let digest = OracleQuestion.affine(x, w, b).digest
        #expect(digest == OracleQuestion.affine(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), w, b).digest, "the same question asked again")
        var moved = x
        moved.scalars[3] = 4.000000000000001
        #expect(digest != OracleQuestion.affine(moved, w, b).digest, "one scalar's last bit")
        #expect(digest != OracleQuestion.affine(x.reshaped([4, 1]), w, b).digest, "a shape")
        #expect(digest != OracleQuestion.fc(x, w, b).digest, "another function of the same inputs")
        #expect(OracleQuestion.conv(x, w, b, stride: 1, pad: 0).digest != OracleQuestion.conv(x, w, b, stride: 2, pad: 0).digest, "a stride")
        var config = UpdateConfig(learningRate: 1e-2)
        let plain = OracleQuestion.sgdMomentum(x, w, config).digest
        config.velocity = Tensor(zeros: [2, 2])
        #expect(plain != OracleQuestion.sgdMomentum(x, w, config).digest, "no velocity and a zero velocity are different questions")
    }

    @Test func recordedCasesRoundTripMergeAndRefuseDamage() throws {
        let first: [UInt64: [Tensor]] = [1: [Tensor(shape: [], scalars: [2.5])], 7: [Tensor(shape: [2, 1], scalars: [-0.0, .pi]), Tensor(shape: [0], scalars: [])]]
        let second: [UInt64: [Tensor]] = [9: [Tensor(shape: [3], scalars: [1, 2, 3])]]
        let data = RecordedCases.encode(first) + RecordedCases.encode(second)
        let decoded = try #require(RecordedCases.decode(data))
        #expect(decoded.keys.sorted() == [1, 7, 9])
        #expect(decoded[7]?[1].shape == [0] && decoded[7]?[0].scalars[1] == .pi && decoded[7]?[0].scalars[0].sign == .minus)
        #expect(KitCases.merged(data).flatMap(RecordedCases.decode)?.count == 3, "two appends merge into one file")
        #expect(RecordedCases.decode(data.dropLast(3)) == nil, "a truncated file is damaged, not a shorter one")
    }
}
