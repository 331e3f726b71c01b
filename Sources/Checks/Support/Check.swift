import ExerciseKit

/// One named expectation about a submission, e.g. `TestOptimizers2.adam`.
///
/// `run` throws ``CheckFailure`` when the submission returns something wrong; any other error
/// the submission throws (such as `ExerciseError.notImplemented`) also fails the check.
public struct Check: Sendable {
    /// The check's name within its group (the Python test's name in camelCase).
    public let name: String
    /// What the check verifies, one line, for `grader list` and reports.
    public let summary: String
    /// Multiplies the rubric's per-check time limit (training checks take longer).
    public let timeoutScale: Double
    let body: @Sendable (SubmissionRegistry) throws -> Void

    public init(_ name: String, _ summary: String, timeoutScale: Double = 1,
                _ body: @escaping @Sendable (SubmissionRegistry) throws -> Void) {
        self.name = name
        self.summary = summary
        self.timeoutScale = timeoutScale
        self.body = body
    }

    /// Runs the check against a registry.
    public func run(_ registry: SubmissionRegistry) throws { try body(registry) }

    /// The scale of a check on a few small, fixed tensors: a tenth of the rubric's limit (1 s of
    /// CPU at the default 10 s) is still over 100 times what the reference needs, and a
    /// submission that loops forever in an optimizer loses 1 s per check instead of 10.
    public static let smallInputsScale = 0.1

    func scaled(by factor: Double) -> Check {
        Check(name, summary, timeoutScale: timeoutScale * factor, body)
    }
}

/// A test class of the exercise, e.g. `TestConv`, as a list of checks.
public struct CheckGroup: Sendable {
    public let name: String
    public let checks: [Check]
    /// Every check works on a few small, fixed tensors (see `init`).
    public let smallInputs: Bool

    /// `smallInputs`: every check works on a few small, fixed tensors (the reference needs at
    /// most 5 ms for each, `CheckLimitTests`), so each gets `Check.smallInputsScale` of the limit.
    /// Groups a rubric can enlarge (parameters) or that train keep the full limit.
    public init(name: String, smallInputs: Bool = false, checks: [Check]) {
        self.name = name
        self.smallInputs = smallInputs
        self.checks = smallInputs ? checks.map { $0.scaled(by: Check.smallInputsScale) } : checks
    }
}

/// A failed expectation: what was expected, what came back, and the likely cause.
public struct CheckFailure: Error, CustomStringConvertible, Equatable {
    public var expected: String
    public var got: String
    public var hint: String

    public init(expected: String, got: String, hint: String) {
        self.expected = expected
        self.got = got
        self.hint = hint
    }

    public var description: String {
        "expected: \(expected)\ngot:      \(got)\nhint:     \(hint)"
    }

    /// The submission did not register a factory the check needs.
    static func notRegistered(_ contract: String) -> CheckFailure {
        CheckFailure(
            expected: "a registered \(contract)",
            got: "registry.\(contract.prefix(1).lowercased() + contract.dropFirst()) is nil",
            hint: "set it in registerSubmission (Registration.swift), e.g. registry.… = { \(contract)(…) }")
    }
}

/// The factory for `contract`, or a failure saying it is not registered.
func require<T>(_ factory: T?, _ contract: String) throws -> T {
    guard let factory else { throw CheckFailure.notRegistered(contract) }
    return factory
}

/// Fails unless `condition` holds.
func expect(_ condition: Bool, expected: @autoclosure () -> String, got: @autoclosure () -> String,
            hint: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(expected: expected(), got: got(), hint: hint()) }
}

/// Fails unless `actual` is within `tolerance` of `expected` (NaN never passes).
func expectClose(_ actual: Double, _ expected: Double, tolerance: Double, what: String, hint: String) throws {
    let close = !actual.isNaN && abs(actual - expected) < tolerance
    try expect(close, expected: "\(what) = \(expected) (± \(tolerance))", got: "\(actual)", hint: hint)
}

/// Fails unless the tensor has the given shape.
func expectShape(_ tensor: Tensor, _ shape: [Int], what: String, hint: String) throws {
    try expect(tensor.shape == shape, expected: "\(what) of shape \(shape)", got: "shape \(tensor.shape)", hint: hint)
}

/// Fails unless every value is within `tolerance` of the expected tensor; reports the worst element.
func expectAllClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double, what: String, hint: String) throws {
    try expectShape(actual, expected.shape, what: what, hint: hint)
    var worst = 0, worstError = -1.0
    for i in expected.scalars.indices {
        let error = abs(actual.scalars[i] - expected.scalars[i])
        if error.isNaN || error > worstError { (worst, worstError) = (i, error.isNaN ? .infinity : error) }
    }
    guard worstError > tolerance else { return }
    throw CheckFailure(
        expected: "\(what) within \(tolerance) of the expected values",
        got: "largest error \(worstError) at flat index \(worst) (got \(actual.scalars[worst]), expected \(expected.scalars[worst]))",
        hint: hint)
}
