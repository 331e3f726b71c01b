/// A request from the host to a worker: run one check (one JSON object per line).
public struct WorkerRequest: Codable, Sendable {
    /// `Group.check`.
    public var check: String
    /// The seed the worker gives the shared random source before the check.
    public var seed: UInt32
    /// The rubric group's parameters (iterations, thresholds, learning rates).
    public var parameters: [String: Double]?

    public init(check: String, seed: UInt32, parameters: [String: Double]? = nil) {
        self.check = check
        self.seed = seed
        self.parameters = parameters
    }
}

/// A message from a worker to the host (one JSON object per line on the result pipe).
public enum WorkerReply: Codable, Sendable, Equatable {
    /// The library loaded; these contracts are registered.
    case ready(contracts: [String])
    /// The library could not be loaded; the worker exits after this.
    case loadFailed(reason: String, abiExpected: Int32?, abiFound: Int32?)
    /// One check finished (passed or failed; crashes are seen by the host, not reported).
    case result(check: CheckResult)
}

/// The protocol's version; host and worker are one binary, so this only guards stale workers.
public let workerProtocolVersion = 1
