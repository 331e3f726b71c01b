import Checks
import ExerciseKit
import Foundation
import GradingModel
import PluginHost
import Rubric

/// Grades one submission folder: compile, then every selected check in supervised workers.
struct GradingSession {
    let rubric: Rubric
    let executable: String
    /// Restrict to these groups / check names (empty: everything in the rubric).
    var onlyGroups: [String] = []
    var onlyChecks: [String] = []
    /// Keep the arrays checks return (trained weights); otherwise only loss curves are kept.
    var keepArtifacts = false
    /// Called with a short progress line (compile started, group done).
    var progress: (String) -> Void = { _ in }

    /// The rubric groups this run covers.
    var selectedGroups: [Rubric.Group] {
        rubric.groups.filter { onlyGroups.isEmpty || onlyGroups.contains($0.name) }
    }

    /// The check ids to run, in rubric order; groups the harness lacks contribute none.
    var selectedCheckIDs: [String] {
        selectedGroups.flatMap { group -> [String] in
            guard let catalogGroup = CheckCatalog.group(named: group.name) else { return [] }
            return catalogGroup.checks.map(\.name)
                .filter { group.checks?.contains($0) ?? true }
                .filter { onlyChecks.isEmpty || onlyChecks.contains($0) }
                .map { "\(group.name).\($0)" }
        }
    }

    func grade(submissionAt path: String, name: String) throws -> SubmissionReport {
        var report = SubmissionReport(submission: name)
        let builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: executable),
                                        compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
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

        var configuration = WorkerSupervisor.Configuration(
            executable: executable, libraryPath: build.libraryPath,
            checkTimeoutSeconds: rubric.limits.checkTimeoutSeconds,
            memoryMiB: rubric.limits.memoryMiB, cpuSeconds: rubric.limits.cpuSeconds)
        if let data = rubric.dataDirectory { configuration.dataDirectory = data }
        configuration.submissionDirectory = path
        let supervisor = WorkerSupervisor(configuration: configuration)
        let start = DispatchTime.now()
        do {
            for id in selectedCheckIDs {
                let scale = CheckCatalog.check(id: id)?.timeoutScale ?? 1
                let group = rubric.group(named: String(id.prefix { $0 != "." }))
                let result = try supervisor.run(check: id, seed: rubric.seed,
                                                timeoutSeconds: rubric.limits.checkTimeoutSeconds * scale,
                                                parameters: group?.parameters)
                progress("\(result.status == .passed ? "✓" : "✗") \(id) (\(String(format: "%.1f", result.seconds)) s)")
                var kept = result
                if !keepArtifacts { kept.artifacts = result.artifacts?.filter { $0.key == "loss" } }
                report.results.append(kept)
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
