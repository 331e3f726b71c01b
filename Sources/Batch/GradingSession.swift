import Checks
import ExerciseKit
import Foundation
import GradingModel
import PluginHost
import Rubric

/// Grades one submission folder: compile, then every selected check in supervised workers.
///
/// Used by `grader run` (one submission, no sandbox by default) and `grader batch` (many, each in
/// its own sandbox). Differential groups (`"differential": true` in the rubric) run the same
/// probe in the submission's worker and in the reference's, and compare what they return.
public struct GradingSession {
    public let rubric: Rubric
    public let executable: String
    /// Restrict to these groups / check names (empty: everything in the rubric).
    public var onlyGroups: [String] = []
    public var onlyChecks: [String] = []
    /// Keep the arrays checks return (trained weights); otherwise only loss curves are kept.
    public var keepArtifacts = false
    /// Runs compiles and workers of the submission inside this sandbox.
    public var sandbox: Sandbox?
    /// Where compiled builds go (default: the user's build cache).
    public var cacheDirectory: String = SubmissionBuilder.defaultCacheDirectory
    /// The reference solution's folder, for differential groups.
    public var referencePath: String?
    /// Called with a short progress line (compile started, check done).
    public var progress: (String) -> Void = { _ in }

    public init(rubric: Rubric, executable: String, onlyGroups: [String] = [], onlyChecks: [String] = [],
                progress: @escaping (String) -> Void = { _ in }) {
        self.rubric = rubric
        self.executable = executable
        self.onlyGroups = onlyGroups
        self.onlyChecks = onlyChecks
        self.progress = progress
    }

    /// The rubric groups this run covers.
    public var selectedGroups: [Rubric.Group] {
        rubric.groups.filter { onlyGroups.isEmpty || onlyGroups.contains($0.name) }
    }

    /// The check ids to run, in rubric order; groups the harness lacks contribute none.
    public var selectedCheckIDs: [String] {
        selectedGroups.flatMap { group -> [String] in
            guard let catalogGroup = CheckCatalog.group(named: group.name) else { return [] }
            return catalogGroup.checks.map(\.name)
                .filter { group.checks?.contains($0) ?? true }
                .filter { onlyChecks.isEmpty || onlyChecks.contains($0) }
                .map { "\(group.name).\($0)" }
        }
    }

    func supervisor(library: String, submission: String?, sandboxed: Bool) -> WorkerSupervisor {
        var configuration = WorkerSupervisor.Configuration(
            executable: executable, libraryPath: library,
            checkTimeoutSeconds: rubric.limits.checkTimeoutSeconds,
            memoryMiB: rubric.limits.memoryMiB, cpuSeconds: rubric.limits.cpuSeconds)
        if let data = rubric.dataDirectory { configuration.dataDirectory = data }
        configuration.submissionDirectory = submission
        if sandboxed { configuration.commandPrefix = sandbox?.prefix ?? [] }
        return WorkerSupervisor(configuration: configuration)
    }

    public func grade(submissionAt path: String, name: String) throws -> SubmissionReport {
        var report = SubmissionReport(submission: name)
        var builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: executable),
                                        cacheDirectory: cacheDirectory,
                                        compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
        builder.commandPrefix = sandbox?.prefix ?? []
        progress("compiling \(name)…")
        let build: SubmissionBuilder.Build
        do {
            build = try builder.build(submissionAt: path, abiVersion: ExerciseKitABI.version)
        } catch let failure as GradingFailure {
            report.failure = failure.description
            return report
        }
        report.compileSeconds = build.compileSeconds
        progress(build.compileSeconds > 0 ? String(format: "compiled in %.1f s", build.compileSeconds) : "compiled (cached)")

        let supervisor = self.supervisor(library: build.libraryPath, submission: path, sandboxed: true)
        var differential = DifferentialOracle(session: self)
        let start = DispatchTime.now()
        do {
            for id in selectedCheckIDs {
                let scale = CheckCatalog.check(id: id)?.timeoutScale ?? 1
                let group = rubric.group(named: String(id.prefix { $0 != "." }))
                var result = try supervisor.run(check: id, seed: rubric.seed,
                                                timeoutSeconds: rubric.limits.checkTimeoutSeconds * scale,
                                                parameters: group?.parameters)
                if group?.differential == true { result = try differential.compare(result, id: id, parameters: group?.parameters) }
                progress("\(result.status == .passed ? "✓" : "✗") \(id) (\(String(format: "%.1f", result.seconds)) s)")
                if !keepArtifacts { result.artifacts = result.artifacts?.filter { $0.key == "loss" } }
                report.results.append(result)
            }
        } catch let failure as GradingFailure {
            report.failure = failure.description
            report.results = []
        }
        report.contracts = supervisor.contracts
        report.checkSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return report
    }
}
