import ExerciseKit
import Foundation
import GradingModel
import PluginHost

/// Runs a differential probe on the reference (compiled once, in its own worker, trusted, not
/// sandboxed) and compares the submission's artifacts with the reference's.
struct DifferentialOracle {
    let session: GradingSession
    private var reference: WorkerSupervisor?
    /// Relative tolerance, with an absolute floor of the same size for values near zero.
    static let tolerance = 1e-6
    /// For `.statistic` outputs (statistics of random draws, e.g. an initializer's standard
    /// deviation over 20,000 values, whose standard error is under 1 %): 5 %, relative.
    static let statisticalTolerance = 0.05

    init(session: GradingSession) { self.session = session }

    mutating func referenceWorker() throws -> WorkerSupervisor {
        if let reference { return reference }
        guard let path = session.referencePath else {
            throw GradingFailure.loadFailed(reason: "a differential (hidden) group needs the reference: pass --reference PATH")
        }
        let builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: session.executable),
                                        compileTimeoutSeconds: session.rubric.limits.compileTimeoutSeconds)
        let build = try builder.build(submissionAt: path, abiVersion: ExerciseKitABI.version)
        let worker = session.supervisor(library: build.libraryPath, submission: path, sandboxed: false)
        reference = worker
        return worker
    }

    /// The submission's result, failed when its outputs differ from the reference's.
    mutating func compare(_ result: CheckResult, id: String, parameters: [String: Double]?) throws -> CheckResult {
        guard result.status == .passed else { return result }
        var compared = result
        compared.artifacts = nil
        let key = ReferenceOutputs.key(check: id, seed: session.rubric.seed, parameters: parameters)
        let expected: CheckResult
        if let known = session.referenceOutputs?[key] {
            expected = known
        } else {
            expected = try referenceWorker().run(check: id, seed: session.rubric.seed,
                                                 timeoutSeconds: session.rubric.limits.checkTimeoutSeconds * 6, parameters: parameters)
            if expected.status == .passed { session.referenceOutputs?[key] = expected }
        }
        guard expected.status == .passed, let theirs = expected.artifacts else {
            compared.status = .errored
            compared.message = "the reference failed this probe (a harness problem, tell the TA): \(expected.message)"
            return compared
        }
        let verdict = Self.judge(mine: result.artifacts ?? [:], theirs: theirs, id: id, parameters: parameters)
        compared.status = verdict.passed ? .passed : .failed
        compared.message = verdict.message
        return compared
    }

    /// Passed when the submission's outputs equal the reference's under one accepted convention;
    /// otherwise the smallest difference and, where one fits, the likely mistake.
    static func judge(mine: [String: ArtifactArray], theirs: [String: ArtifactArray], id: String,
                      parameters: [String: Double]?) -> (passed: Bool, message: String) {
        let outputs = theirs.keys.filter { !$0.hasSuffix(".config") && !$0.contains("~") }.sorted()
        let group = String(id.prefix { $0 != "." })
        let accepted = acceptedConventions(group: group, parameters: parameters)
        // One convention for the whole check: the reference's own, or one accepted alternative,
        // used wherever the reference reported that alternative for an output.
        let conventions: [String?] = [nil] + accepted.filter { name in theirs.keys.contains { $0.hasSuffix("~" + name) } }.map(Optional.some)
        var fewest: (convention: String?, failures: [Failure])?
        for convention in conventions {
            let failures = Self.failures(mine, theirs, outputs: outputs, convention: convention, group: group)
            if failures.isEmpty {
                let note = convention.flatMap { conventionNotes[$0] }.map { " (\($0))" } ?? ""
                return (true, "\(outputs.count) outputs equal the reference's\(note)")
            }
            if fewest == nil || failures.count < fewest!.failures.count { fewest = (convention, failures) }
        }
        let failures = fewest!.failures
        let smallest = failures.min { $0.size < $1.size }!
        // A diagnosed mistake: every differing output equals the reference's under that convention.
        let diagnosis = diagnoses.first { diagnosis in
            !accepted.contains(diagnosis.key) && failures.allSatisfy { failure in
                guard let alternative = theirs[failure.key + "~" + diagnosis.key], let got = mine[failure.key] else { return false }
                return got.values.count == alternative.values.count && worst(got.values, alternative.values) == nil
            }
        }
        return (false, "expected: the reference's outputs on the same inputs (\(outputs.count) outputs)\n"
            + "got:      \(failures.count) differ; the smallest: \(smallest.text)\n"
            + "hint:     " + (diagnosis?.value ?? "check shapes, strides and kernel sizes other than the public tests use"))
    }

    /// Conventions a group accepts besides the reference's own.
    static func acceptedConventions(group: String, parameters: [String: Double]?) -> [String] {
        switch group {
        case "HiddenConv": return ["scipyPadding", "floorPadding"]
        // As the public hw5 `conv` check: convolution is accepted unless the rubric says otherwise.
        case "HiddenFunctional": return (parameters?["acceptConvolution"] ?? 1) != 0 ? ["flippedKernel"] : []
        default: return []
        }
    }

    /// What the passed message says about an accepted convention.
    static let conventionNotes = [
        "scipyPadding": "even kernels padded m/2 before, as scipy.signal.correlate(mode='same')",
        "floorPadding": "even kernels padded ⌊(m−1)/2⌋ before",
        "flippedKernel": "orientation: convolution (kernel flipped), consistent in conv and convBackward",
    ]

    /// Conventions that, where not accepted, name the likely mistake.
    static let diagnoses = [
        (key: "flippedKernel", value: "your output equals the reference with the kernel flipped: use correlation (no kernel flip)"),
    ]

    /// What each number of a probe's `caseNN.config` means, per group.
    static let caseLabels = [
        "HiddenConv": ["batch", "channels", "height", "width", "kernels", "kernelHeight", "kernelWidth", "strideY", "strideX"],
        "HiddenPooling": ["batch", "channels", "height", "width", "poolHeight", "poolWidth", "strideY", "strideX"],
        "HiddenFunctional": ["height", "width", "inputChannels", "outputChannels", "kernelSize"],
    ]

    struct Failure {
        let key: String
        let size: Int
        let text: String
    }

    /// The outputs that differ from the reference's under one convention (nil: the reference's own).
    static func failures(_ mine: [String: ArtifactArray], _ theirs: [String: ArtifactArray], outputs: [String],
                         convention: String?, group: String) -> [Failure] {
        var failures: [Failure] = []
        for key in outputs {
            let want = convention.flatMap { theirs[key + "~" + $0] } ?? theirs[key]!
            let caseName = String(key.prefix { $0 != "." })
            let config = theirs["\(caseName).config"].map { " (\(describe(config: $0.values, group: group)))" } ?? ""
            // Shapes, not only counts: a (b, K, y, x) output laid out as (b, K, x, y) is wrong.
            guard let got = mine[key], got.shape == want.shape, got.values.count == want.values.count else {
                failures.append(Failure(key: key, size: want.values.count,
                                        text: "\(key)\(config): expected shape \(want.shape), got \(mine[key].map { "\($0.shape)" } ?? "nothing")"))
                continue
            }
            let statistic = key.hasSuffix(".statistic")
            if let error = worst(got.values, want.values, tolerance: statistic ? statisticalTolerance : tolerance, floor: statistic ? 0 : 1) {
                failures.append(Failure(key: key, size: want.values.count,
                                        text: "\(key)\(config): max error \(error.error) at flat index \(error.index) (got \(got.values[error.index]), expected \(want.values[error.index]))"))
            }
        }
        return failures
    }

    /// `batch 1, channels 1, height 6, …`; unlabelled numbers only for a group without labels.
    static func describe(config: [Double], group: String) -> String {
        let numbers = config.map { String(Int($0)) }
        guard let labels = caseLabels[group], labels.count == numbers.count else { return "case parameters \(numbers.joined(separator: ", "))" }
        return zip(labels, numbers).map { "\($0) \($1)" }.joined(separator: ", ")
    }

    /// The index and size of the largest difference beyond tolerance, or nil when all agree.
    /// `floor`: the tolerance is absolute below |value| = floor (1; 0 for statistics, purely relative).
    static func worst(_ got: [Double], _ want: [Double], tolerance: Double = tolerance, floor: Double = 1) -> (index: Int, error: Double)? {
        var result: (index: Int, error: Double)?
        for i in want.indices {
            let error = abs(got[i] - want[i])
            let allowed = tolerance * max(floor, abs(want[i]))
            if error > allowed || error.isNaN, error > (result?.error ?? -1) || error.isNaN { result = (i, error.isNaN ? .infinity : error) }
        }
        return result
    }
}

/// The reference's result of each probe (check, seed, parameters), computed once per batch and
/// shared by its jobs.
public final class ReferenceOutputs: @unchecked Sendable {
    private var results: [String: CheckResult] = [:]
    private let lock = NSLock()

    public init() {}

    static func key(check: String, seed: UInt32, parameters: [String: Double]?) -> String {
        "\(check) \(seed) " + (parameters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    subscript(key: String) -> CheckResult? {
        get { lock.lock(); defer { lock.unlock() }; return results[key] }
        set { lock.lock(); results[key] = newValue; lock.unlock() }
    }
}
