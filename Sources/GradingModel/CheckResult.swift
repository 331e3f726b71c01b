/// How one check ended.
public enum CheckStatus: String, Codable, Sendable {
    /// The submission met the check's expectation.
    case passed
    /// The submission ran and returned something wrong, or threw (e.g. "not implemented").
    case failed
    /// The submission's code crashed or hung during the check (the worker was restarted).
    case errored
}

/// The result of one check of one group, as every report shows it.
public struct CheckResult: Codable, Equatable, Sendable {
    /// The test group, e.g. `TestOptimizers2`.
    public var group: String
    /// The check within its group, e.g. `adam`.
    public var name: String
    public var status: CheckStatus
    /// What went wrong: expected, got, likely cause. Empty when passed.
    public var message: String
    /// Wall time of the check, in seconds.
    public var seconds: Double
    /// CPU time the submission's worker used in the check (what its time limit counts), when measured.
    public var cpuSeconds: Double?
    /// Arrays a check hands back to the host: a loss curve, trained weights.
    public var artifacts: [String: ArtifactArray]?
    /// Where a crash or hang happened in the student's code (a debug rerun's finding; never a verdict).
    public var location: CodeLocation?

    public init(group: String, name: String, status: CheckStatus, message: String = "", seconds: Double = 0,
                artifacts: [String: ArtifactArray]? = nil) {
        self.group = group
        self.name = name
        self.status = status
        self.message = message
        self.seconds = seconds
        self.artifacts = artifacts
    }

    /// `TestOptimizers2.adam`.
    public var id: String { "\(group).\(name)" }
}

/// Why a whole submission could not be graded: the harness's failure, not a failed check.
public enum GradingFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The submission folder has no Swift sources.
    case noSources(path: String)
    /// swiftc rejected the submission; `summary` names the first errors with file and line.
    case compileFailed(summary: String)
    /// The compiler did not finish in time.
    case compileTimedOut(seconds: Int)
    /// The compiled library could not be loaded or registered.
    case loadFailed(reason: String)
    /// The submission was compiled against another contract version.
    case abiMismatch(expected: Int32, found: Int32)

    public var description: String {
        switch self {
        case .noSources(let path):
            return "no Swift sources found in \(path): put your .swift files in Sources/Submission/ (see submissions/skeleton)"
        case .compileFailed(let summary):
            return "the submission does not compile:\n\(summary)"
        case .compileTimedOut(let seconds):
            return "compiling took longer than \(seconds) s: simplify long expressions (type-checker blow-up)"
        case .loadFailed(let reason):
            return "the compiled submission could not be loaded: \(reason)"
        case .abiMismatch(let expected, let found):
            return "the submission was built against ExerciseKit ABI \(found), the grader expects \(expected): rebuild it"
        }
    }
}

/// A numeric array a check produced (row-major values with their shape).
public struct ArtifactArray: Codable, Equatable, Sendable {
    public var shape: [Int]
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        self.shape = shape
        self.values = values
    }
}
