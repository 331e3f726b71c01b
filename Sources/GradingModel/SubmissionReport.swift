/// Everything known about one graded submission: per-check results or why it could not be graded.
public struct SubmissionReport: Codable, Sendable {
    /// The submission's name (folder or zip name, or student id).
    public var submission: String
    /// Results of every check that ran, in rubric order.
    public var results: [CheckResult]
    /// Set when the submission could not be graded at all (compile error, unloadable).
    public var failure: String?
    /// Contracts the submission registered.
    public var contracts: [String]
    /// Seconds spent compiling (0 when the build came from the cache).
    public var compileSeconds: Double
    /// Seconds spent running checks.
    public var checkSeconds: Double

    public init(submission: String, results: [CheckResult] = [], failure: String? = nil,
                contracts: [String] = [], compileSeconds: Double = 0, checkSeconds: Double = 0) {
        self.submission = submission
        self.results = results
        self.failure = failure
        self.contracts = contracts
        self.compileSeconds = compileSeconds
        self.checkSeconds = checkSeconds
    }

    /// The results of one group.
    public func results(inGroup group: String) -> [CheckResult] {
        results.filter { $0.group == group }
    }
}
