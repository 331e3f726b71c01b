import RemoteObjects

/// An object in the worker that runs a `CallPlan` (many calls of its methods) in one round trip:
/// the judge's proxies. `whileWaiting` runs after the plan is sent and before its answer is read,
/// so the judge's verification of an iteration overlaps the worker's work on it.
public protocol PlanEvaluating: AnyObject {
    /// Sends samples to the worker once; plans then pick them by index (`CallPlan.Samples.stored`).
    func store(_ samples: [[WireValue]]) throws -> Int
    func evaluate(_ plan: CallPlan, shared: [WireValue], samples: CallPlan.Samples, whileWaiting: () -> Void) throws -> [WireValue]
}

/// The object as a plan evaluator; a local object (not in a worker) cannot be one.
func planEvaluator(_ object: AnyObject, _ contract: String) throws -> any PlanEvaluating {
    guard let evaluator = object as? any PlanEvaluating else {
        throw CheckFailure(expected: "the submission's \(contract) in a worker", got: "a local object",
                           hint: "a grader fault: trainings run through `grader run`, whose judge drives the worker")
    }
    return evaluator
}
