import ArgumentParser
import Batch
import Foundation
import PluginHost
import Rubric

/// `--no-sandbox` / `--sandbox` for the commands that run one submission's code (`run`, `check`,
/// `train`). As root they sandbox by default (a TA regrading one student must not run their code
/// as root); a regular user runs their own code unconfined unless they ask for the sandbox.
struct SandboxOptions: ParsableArguments {
    @Flag(name: .customLong("no-sandbox"), help: "As root: run the submission without the sandbox (every report says so).")
    var noSandbox = false

    @Flag(help: "As a regular user: run the submission in the sandbox too (a user namespace), as TAs do.")
    var sandbox = false

    /// The work folder to grade in, or nil for a regular user's unconfined run. A root run with
    /// `--no-sandbox` gets an unsandboxed workspace, so its reports say so.
    /// `rubricPath` and `reference`: the hidden material, checked for exposure in the container regime.
    func workspace(rubric: Rubric, name: String, executable: String, rubricPath: String? = nil, reference: String? = nil) throws -> Workspace? {
        let asRoot = geteuid() == 0
        guard asRoot || sandbox else { return nil }
        let folder = "/var/tmp/grader-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if noSandbox {
            return try Workspace(folder: folder, name: name, slot: 0, rubric: rubric, executable: executable, sandboxed: false)
        }
        if let problem = Sandbox.noRegimeReason() { throw HarnessFailure(problem) }
        if let problem = Workspace.unreachableFolder(executable: executable, rubric: rubric) { throw HarnessFailure(problem) }
        // A rubric is hidden material when it is graded with a reference (its hidden groups); the
        // grader's sources are left to run_autograder, which makes them root-only.
        if let rubricPath, let reference,
           let problem = Workspace.exposedInContainer(executable: executable, rubricPath: rubricPath, reference: reference, graderSources: false) {
            throw HarnessFailure(problem)
        }
        return try Workspace(folder: folder, name: name, slot: 0, rubric: rubric, executable: executable, sandboxed: true)
    }
}
