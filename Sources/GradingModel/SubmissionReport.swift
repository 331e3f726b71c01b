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
    /// The sandbox and limits the submission's code ran under.
    public var containment: Containment?
    /// Limits the submission reached (memory, processes, disk, output, time), each with the check.
    public var limitEvents: [String] = []
    /// The most memory the submission's processes held together, in MiB (where measured).
    public var peakMemoryMiB: Double?
    /// The most memory a judge of this submission held (the grader's own trusted process), in MiB.
    public var judgePeakMiB: Double?

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
