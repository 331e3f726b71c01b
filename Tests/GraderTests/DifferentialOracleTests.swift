@testable import Batch
import GradingModel
import Testing

/// The host's verdict on a hidden differential probe, from the artifacts alone: which conventions
/// it accepts, and that a submission must keep one of them throughout a check.
struct DifferentialOracleTests {
    static func array(_ values: [Double]) -> ArtifactArray { ArtifactArray(shape: [values.count], values: values) }

    /// The reference's run of `HiddenFunctional.convolutions` for one case: its outputs and the
    /// outputs a consistently flipped kernel gives.
    static let reference: [String: ArtifactArray] = [
        "case00": array([1, 2, 3]), "case00~flippedKernel": array([3, 2, 1]),
        "case00.dlDw": array([4, 5]), "case00.dlDw~flippedKernel": array([5, 4]),
        "case00.dlDb": array([6]),
        "case00.config": array([5, 6, 1, 2, 3]),
    ]

    @Test func aFlippedHw5KernelIsAcceptedWhenConvAndItsGradientAgree() {
        let flipped = ["case00": Self.array([3, 2, 1]), "case00.dlDw": Self.array([5, 4]), "case00.dlDb": Self.array([6])]
        let verdict = DifferentialOracle.judge(mine: flipped, theirs: Self.reference, id: "HiddenFunctional.convolutions", parameters: nil)
        #expect(verdict.passed && verdict.message.contains("orientation: convolution"), "\(verdict.message)")
        // As the public conv check: a rubric that sets acceptConvolution 0 refuses it, and says why.
        let strict = DifferentialOracle.judge(mine: flipped, theirs: Self.reference, id: "HiddenFunctional.convolutions",
                                              parameters: ["acceptConvolution": 0])
        #expect(!strict.passed && strict.message.contains("kernel flipped"), "\(strict.message)")
    }

    @Test func aFlippedConvWithAnUnflippedGradientFailsWithLabelledParameters() {
        let mixed = ["case00": Self.array([3, 2, 1]), "case00.dlDw": Self.array([4, 5]), "case00.dlDb": Self.array([6])]
        let verdict = DifferentialOracle.judge(mine: mixed, theirs: Self.reference, id: "HiddenFunctional.convolutions", parameters: nil)
        #expect(!verdict.passed)
        #expect(verdict.message.contains("height 5, width 6, inputChannels 1, outputChannels 2, kernelSize 3"), "\(verdict.message)")
    }

    @Test func eitherEvenPaddingPassesButNotAMixOfBoth() {
        let reference: [String: ArtifactArray] = [
            "case00": Self.array([1, 2]), "case00~scipyPadding": Self.array([1, 2]), "case00~floorPadding": Self.array([7, 8]),
            "case01": Self.array([3, 4]), "case01~scipyPadding": Self.array([3, 4]), "case01~floorPadding": Self.array([9, 10]),
            "case02": Self.array([5]),
        ]
        let floor = ["case00": Self.array([7, 8]), "case01": Self.array([9, 10]), "case02": Self.array([5])]
        let verdict = DifferentialOracle.judge(mine: floor, theirs: reference, id: "HiddenConv.forward", parameters: nil)
        #expect(verdict.passed && verdict.message.contains("⌊(m−1)/2⌋ before"), "\(verdict.message)")
        let mixed = ["case00": Self.array([7, 8]), "case01": Self.array([3, 4]), "case02": Self.array([5])]
        #expect(!DifferentialOracle.judge(mine: mixed, theirs: reference, id: "HiddenConv.forward", parameters: nil).passed)
        let wrong = ["case00": Self.array([1, 2]), "case01": Self.array([3, 4]), "case02": Self.array([6])]
        let failed = DifferentialOracle.judge(mine: wrong, theirs: reference, id: "HiddenConv.forward", parameters: nil)
        #expect(!failed.passed && failed.message.contains("case02"), "an odd kernel has one answer: \(failed.message)")
    }
}
