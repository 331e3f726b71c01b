import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The only variables the worker is started with (bubblewrap adds PWD, the working folder).
let workerVariables: Set<String> = ["PATH", "HOME", "TMPDIR", "LANG", "SWIFT_BACKTRACE", "PWD"]

/// "Escaped" when any other variable (a TA's, the grader's) is visible.
func attackOnce() -> Bool {
    let foreign = ProcessInfo.processInfo.environment.keys.filter { !workerVariables.contains($0) }.sorted()
    print("environment-probe: foreign variables: \(foreign)")
    return !foreign.isEmpty
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
