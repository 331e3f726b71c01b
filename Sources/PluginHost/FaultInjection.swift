import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 of the grader at a chosen phase of a chosen submission, for the resume tests: a random
/// kill from outside rarely lands in the short phases (writing a row takes a millisecond), so the
/// tests name the phase. `GRADER_TEST_KILL_AT=phase[+seconds]@submission`, e.g. `row@kim` or
/// `compile+1.5@kim` (1.5 s after the compiler started, from another thread, whatever the grader
/// is doing then). Read from the grader's own environment, which a submission cannot set: the
/// compiler and the worker get explicit environments.
public enum FaultInjection {
    public enum Phase: String, CaseIterable, Sendable {
        /// The zip unpacked into the work folder, nothing built.
        case unzip
        /// The compiler about to start (with a delay: while it compiles).
        case compile
        /// The build done, the first worker about to start and load it.
        case load
        /// The first check's result known, the others not.
        case checks
        /// Inside the transaction that stores the row and its checks, before it commits.
        case row
    }

    struct Plan { let phase: Phase; let delay: Double; let submission: String }

    static let plan: Plan? = {
        guard let spec = ProcessInfo.processInfo.environment["GRADER_TEST_KILL_AT"],
              let at = spec.firstIndex(of: "@") else { return nil }
        let when = spec[..<at].split(separator: "+", maxSplits: 1).map(String.init)
        guard let phase = Phase(rawValue: when.first ?? "") else { return nil }
        return Plan(phase: phase, delay: when.count > 1 ? Double(when[1]) ?? 0 : 0, submission: String(spec[spec.index(after: at)...]))
    }()

    /// Kills this process with SIGKILL (now, or after the plan's delay) when the plan names this
    /// phase of this submission; nothing otherwise.
    public static func reached(_ phase: Phase, submission: String) {
        guard let plan, plan.phase == phase, plan.submission == submission else { return }
        guard plan.delay > 0 else { kill(getpid(), SIGKILL); return }
        DispatchQueue.global().asyncAfter(deadline: .now() + plan.delay) { kill(getpid(), SIGKILL) }
    }
}
