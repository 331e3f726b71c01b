import Foundation

/// A request from the host to the judge: run one check (one JSON object per line).
public struct WorkerRequest: Codable, Sendable {
    /// `Group.check`.
    public var check: String
    /// The seed of the check's random sources (the judge's and the submission's).
    public var seed: UInt32
    /// The rubric group's parameters (iterations, thresholds, learning rates).
    public var parameters: [String: Double]?
    /// The check's time limit; every call into the submission has this deadline.
    public var timeoutSeconds: Double?

    public init(check: String, seed: UInt32, parameters: [String: Double]? = nil, timeoutSeconds: Double? = nil) {
        self.check = check
        self.seed = seed
        self.parameters = parameters
        self.timeoutSeconds = timeoutSeconds
    }
}

/// A message from the judge to the host (one JSON object per line). The judge is trusted: it
/// never loads student code, and student code cannot reach this channel.
public enum WorkerReply: Codable, Sendable, Equatable {
    /// The submission loaded in a worker; these contracts are registered.
    case ready(contracts: [String])
    /// The submission could not be loaded; the judge exits after this.
    case loadFailed(reason: String, abiExpected: Int32?, abiFound: Int32?)
    /// One check finished, decided by the judge; `workersStarted` counts the judge's workers so far,
    /// `judgePeakKiB` is the judge's own peak memory (the host reports it: the grader stays bounded).
    case result(check: CheckResult, workersStarted: Int, judgePeakKiB: Int)
}

/// JSON for the host–judge channel: NaN and ±inf travel as strings (a diverged loss curve is a
/// result to report, not a message to drop).
public enum WorkerMessageCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// The protocol's version; host and judge are one binary, so this only guards stale processes.
public let workerProtocolVersion = 2
