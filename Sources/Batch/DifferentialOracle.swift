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

    init(session: GradingSession) { self.session = session }

    mutating func referenceWorker() throws -> WorkerSupervisor {
        if let reference { return reference }
        guard let path = session.referencePath else {
            throw GradingFailure.loadFailed(reason: "a differential (hidden) group needs the reference: pass --reference PATH")
        }
        let builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: session.executable),
                                        compileTimeoutSeconds: session.rubric.limits.compileTimeoutSeconds)
        let build = try builder.build(submissionAt: path, abiVersion: 1)
        let worker = session.supervisor(library: build.libraryPath, submission: path, sandboxed: false)
        reference = worker
        return worker
    }

    /// The submission's result, failed when its outputs differ from the reference's.
    mutating func compare(_ result: CheckResult, id: String, parameters: [String: Double]?) throws -> CheckResult {
        guard result.status == .passed else { return result }
        var compared = result
        compared.artifacts = nil
        let expected = try referenceWorker().run(check: id, seed: session.rubric.seed,
                                                 timeoutSeconds: session.rubric.limits.checkTimeoutSeconds * 6, parameters: parameters)
        guard expected.status == .passed, let theirs = expected.artifacts else {
            compared.status = .errored
            compared.message = "the reference failed this probe (a harness problem, tell the TA): \(expected.message)"
            return compared
        }
        let mine = result.artifacts ?? [:]
        var failures: [(size: Int, text: String)] = []
        var flippedEverywhere = true
        let outputs = theirs.keys.filter { !$0.hasSuffix(".config") && !$0.hasSuffix(".flippedKernel") }.sorted()
        for key in outputs {
            let want = theirs[key]!
            let caseName = String(key.prefix { $0 != "." })
            let config = theirs["\(caseName).config"].map { " (case parameters \($0.values.map { Int($0) }))" } ?? ""
            // Shapes, not only counts: a (b, K, y, x) output laid out as (b, K, x, y) is wrong.
            guard let got = mine[key], got.shape == want.shape, got.values.count == want.values.count else {
                failures.append((want.values.count, "\(key)\(config): expected shape \(want.shape), got \(mine[key].map { "\($0.shape)" } ?? "nothing")"))
                flippedEverywhere = false
                continue
            }
            if let error = Self.worst(got.values, want.values) {
                failures.append((want.values.count, "\(key)\(config): max error \(error.error) at flat index \(error.index) (got \(got.values[error.index]), expected \(want.values[error.index]))"))
                if let flipped = theirs[key + ".flippedKernel"], Self.worst(got.values, flipped.values) == nil { continue }
                flippedEverywhere = false
            }
        }
        guard !failures.isEmpty else {
            compared.message = "\(outputs.count) outputs equal the reference's"
            return compared
        }
        let smallest = failures.min { $0.size < $1.size }!
        compared.status = .failed
        compared.message = "expected: the reference's outputs on the same inputs (\(outputs.count) outputs)\n"
            + "got:      \(failures.count) differ; the smallest: \(smallest.text)\n"
            + "hint:     " + (flippedEverywhere && theirs.keys.contains { $0.hasSuffix(".flippedKernel") }
                ? "your output equals the reference with the kernel flipped: use correlation (no kernel flip)"
                : "check shapes, strides and kernel sizes other than the public tests use")
        return compared
    }

    /// The index and size of the largest difference beyond tolerance, or nil when all agree.
    static func worst(_ got: [Double], _ want: [Double]) -> (index: Int, error: Double)? {
        var result: (index: Int, error: Double)?
        for i in want.indices {
            let error = abs(got[i] - want[i])
            let allowed = tolerance * max(1, abs(want[i]))
            if error > allowed || error.isNaN, error > (result?.error ?? -1) || error.isNaN { result = (i, error.isNaN ? .infinity : error) }
        }
        return result
    }
}
