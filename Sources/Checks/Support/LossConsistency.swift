/// A training's reported loss against the loss of the parameters it returned, as the harness's
/// oracle computes it. The loss curve comes from the worker, so it is what the student says: a
/// curve that stays constant, or that does not match the trained parameters, means the loss and
/// the gradients did not come from the same weights (a loss function that ignores its input, or
/// gradients steering towards weights pasted into the source), and the training fails.
///
/// This is a consistency layer on top of the judge's own inference, not the whole defence: while
/// the training loop still runs in the worker (issue 26), a submission that reports honest losses
/// can still steer its gradients.
public enum LossConsistency {
    /// How far the reported loss may lie from the trained parameters' loss: the two are measured on
    /// different training images (the last batches against a fixed sample) and a few updates apart.
    static let absoluteTolerance = 0.1
    static let relativeTolerance = 0.25

    /// Fails when `losses` never changes, or when the mean of its last `tail` values differs from
    /// `oracleLoss` (the trained parameters' mean loss on `sample`, a description of the images).
    public static func check(losses: [Double], tail: Int, oracleLoss: Double, sample: String, function: String) throws {
        guard let first = losses.first else {
            throw CheckFailure(expected: "a loss for every training iteration", got: "no losses", hint: "keep the contracts' return types")
        }
        if losses.count > 1, losses.allSatisfy({ $0 == first }) {
            throw CheckFailure(expected: "a training loss that follows the weights",
                               got: "the same loss, \(first), at every one of \(losses.count) iterations",
                               hint: "\(function) must compute the loss from its input: a constant loss does not depend on the weights")
        }
        let last = losses.suffix(max(1, tail))
        let reported = last.reduce(0, +) / Double(last.count)
        let allowed = absoluteTolerance + relativeTolerance * abs(oracleLoss)
        guard abs(reported - oracleLoss) <= allowed else {
            throw CheckFailure(
                expected: "the loss your training reported (mean of its last \(last.count) iterations) within \(allowed.formatted3) of the trained weights' loss",
                got: "reported \(reported.formatted3); the trained weights' loss on \(sample) is \(oracleLoss.formatted3) (the grader's own computation)",
                hint: "the loss \(function) reports and the gradients the training used must come from the same weights; check that both use their inputs")
        }
    }
}

private extension Double {
    var formatted3: String {
        guard isFinite else { return "\(self)" }
        let scaled = (self * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
