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
    /// The submission's control group (whole-tree memory and process limits), when in force.
    public var treeLimits: ProcessTreeLimits?
    /// The submission's own size-limited disk, when in force.
    public var disk: SubmissionDisk?
    /// What contained the submission, copied into its report.
    public var containment: Containment?
    /// Where compiled builds go (default: the user's build cache).
    public var cacheDirectory: String = SubmissionBuilder.defaultCacheDirectory
    /// A build cache outside the sandbox to reuse and fill (see `SubmissionBuilder.sharedCacheDirectory`).
    public var sharedCacheDirectory: String?
    /// The reference solution's folder, for differential groups.
    public var referencePath: String?
    /// The reference's probe outputs, shared by every submission of a batch: they depend only on
    /// the probe, the seed and the parameters, so the reference runs each probe once per batch.
    public var referenceOutputs: ReferenceOutputs?
    /// Compiler threads: the machine's cores for one student (`run`, `train`), 1 per batch job.
    public var compilerThreads = 1
    /// Called with a short progress line (compile started, check done).
    public var progress: (String) -> Void = { _ in }
    /// Called when a check starts (its id and CPU limit) and with each result as soon as it is known.
    public var checkStarted: (String, Double) -> Void = { _, _ in }
    public var checkFinished: (CheckResult) -> Void = { _ in }
    /// Rerun a check that crashed or hung on a debug build to say where (at most
    /// `maxDiagnoses` per submission; debug builds happen only then).
    public var diagnoseFailures = true
    public static let maxDiagnoses = 3
    /// A hang's debug rerun is sampled after half the check's limit, this much CPU at most: an
    /// endless loop is in its loop by then, and a slow one in its slow part (a check on small
    /// inputs needs 5 ms on the reference; its debug rerun is sampled at 0.5 s).
    static let hangSampleSeconds = 3.0

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

    func supervisor(library: String, submission: String?, sandboxed: Bool, diagnose: Bool = false) -> WorkerSupervisor {
        var configuration = WorkerSupervisor.Configuration(
            executable: executable, libraryPath: library,
            checkTimeoutSeconds: rubric.limits.checkTimeoutSeconds,
            memoryMiB: rubric.limits.memoryMiB, cpuSeconds: rubric.limits.cpuSeconds)
        if let data = rubric.dataDirectory { configuration.dataDirectory = data }
        configuration.submissionDirectory = submission
        if sandboxed { configuration.commandPrefix = sandbox?.workerPrefix ?? [] }
        configuration.diagnose = diagnose
        // Its user runs nothing else meanwhile (a uid per job): a few above the group's limit.
        if let treeLimits { configuration.processes = treeLimits.processes + 16 }
        if sandboxed, sandbox?.inContainer == true { configuration.denyFileWrites = true }
        return WorkerSupervisor(configuration: configuration)
    }

    public func grade(submissionAt path: String, name: String) throws -> SubmissionReport {
        var report = SubmissionReport(submission: name)
        report.containment = containment
        var builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(executable: executable),
                                        cacheDirectory: cacheDirectory,
                                        compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
        builder.commandPrefix = sandbox?.compilerPrefix(buildDirectory: cacheDirectory) ?? []
        builder.sharedCacheDirectory = sharedCacheDirectory
        builder.threads = compilerThreads
        progress("compiling \(name)…")
        FaultInjection.reached(.compile, submission: name)
        let build: SubmissionBuilder.Build
        do {
            build = try builder.build(submissionAt: path, abiVersion: ExerciseKitABI.version)
        } catch let failure as GradingFailure {
            report.failure = failure.description
            report.peakMemoryMiB = treeLimits.map { Double($0.peakMemoryBytes) / 1_048_576 }
            return report
        }
        report.compileSeconds = build.compileSeconds
        progress(build.compileSeconds > 0 ? String(format: "compiled in %.1f s", build.compileSeconds) : "compiled (cached)")

        let supervisor = self.supervisor(library: build.libraryPath, submission: path, sandboxed: true)
        // The budget counts the submission's CPU time in its checks, like each check's limit; the
        // wall clock only as a distant backstop (a loaded machine must not change the grade).
        let budget = rubric.limits.submissionBudgetSeconds
        let start = DispatchTime.now()
        supervisor.budgetDeadline = start + ProcessTreeCPU.budgetBackstop(cpuSeconds: budget)
        supervisor.budgetSeconds = budget
        var used = 0.0
        var diagnoses = 0
        var differential = DifferentialOracle(session: self)
        _ = treeLimits?.newEvents()  // the compiler's, if any, are not the checks'
        FaultInjection.reached(.load, submission: name)
        do {
            for id in selectedCheckIDs {
                let scale = CheckCatalog.check(id: id)?.timeoutScale ?? 1
                let group = rubric.group(named: String(id.prefix { $0 != "." }))
                let remaining = budget - used
                if remaining <= 0 {
                    let skipped = supervisor.notRun(check: id)
                    checkFinished(skipped)
                    report.results.append(skipped)
                    continue
                }
                let timeout = min(rubric.limits.checkTimeoutSeconds * scale, remaining)
                checkStarted(id, timeout)
                var result = try supervisor.run(check: id, seed: rubric.seed, timeoutSeconds: timeout, parameters: group?.parameters)
                used += result.cpuSeconds ?? 0  // nil: not run, or the judge failed: no CPU of the submission measured
                if result.message.hasPrefix("not run: the submission used up its time budget"), used < budget {
                    // The wall-clock backstop, not the CPU budget, ran out: waiting is the submission's
                    // doing, computing while starved of CPU the machine's.
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                    result.message = ProcessTreeCPU.wasStarved(cpuSeconds: used, wallSeconds: elapsed)
                        ? "not run: \(ProcessTreeCPU.tooBusy) (the submission's \(Int(budget)) s budget had \(Int(budget - used)) s of CPU left when its wall-clock backstop passed)"
                        : "not run: the submission used up its time budget of \(Int(budget)) s: its wall-clock backstop (\(Int(elapsed)) s) passed while it waited, with \(Int(used)) s of CPU (sleeping or blocked; rubric limits.submissionSeconds)"
                }
                if timeout < rubric.limits.checkTimeoutSeconds * scale, result.status == .errored, result.message.hasPrefix("timed out"), !result.message.contains(ProcessTreeCPU.tooBusy) {
                    result.message = "timed out: the submission used up its time budget of \(Int(budget)) s for all checks (rubric limits.submissionSeconds)"
                }
                noteLimits(on: &result, report: &report)
                if diagnoseFailures, diagnoses < Self.maxDiagnoses, let hang = Self.diagnosable(result) {
                    diagnoses += 1
                    // A debug build runs several times slower: a crash's rerun gets at least the
                    // rubric's own per-check limit to reach the crash (a small-inputs check's is a tenth).
                    let rerunLimit = hang ? timeout : max(timeout, min(rubric.limits.checkTimeoutSeconds, remaining))
                    locate(&result, submissionAt: path, builder: builder, timeout: rerunLimit, hang: hang, parameters: group?.parameters)
                    // Limits its debug rerun reached are that rerun's, not the next check's.
                    report.limitEvents += (treeLimits?.newEvents() ?? []).map { "\(id) (its debug rerun): \($0)" }
                }
                if group?.differential == true { result = try differential.compare(result, id: id, parameters: group?.parameters) }
                if !keepArtifacts { result.artifacts = result.artifacts?.filter { $0.key == "loss" || $0.key == "accuracy" } }
                checkFinished(result)
                report.results.append(result)
                if report.results.count == 1 { FaultInjection.reached(.checks, submission: name) }
            }
        } catch let failure as GradingFailure {
            report.failure = failure.description
            report.results = []
        }
        report.contracts = supervisor.contracts
        report.judgePeakMiB = Double(supervisor.judgePeakKiB) / 1024
        report.peakMemoryMiB = treeLimits.map { Double($0.peakMemoryBytes) / 1_048_576 }
        report.checkSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return report
    }

    /// Whether a result is a crash (false) or a hang (true) of the student's code worth a debug
    /// rerun; nil for anything else (a sleep, a budget, a busy machine, an output flood).
    static func diagnosable(_ result: CheckResult) -> Bool? {
        guard result.status == .errored else { return nil }
        if result.message.hasPrefix("crashed") { return false }
        if result.message.hasPrefix("timed out:"), result.message.contains("of CPU used") { return true }
        return nil
    }

    /// Reruns one check on a debug build of the same sources to find the file and line where the
    /// student's code crashed or was still running, and adds it to the result. The verdict stays
    /// the release run's; the rerun's own outcome is not used (issue 16).
    func locate(_ result: inout CheckResult, submissionAt path: String, builder: SubmissionBuilder, timeout: Double,
                hang: Bool, parameters: [String: Double]?) {
        var debugBuilder = builder
        debugBuilder.debug = true
        progress("\(hang ? "hung" : "crashed") in \(result.id): rerunning it on a debug build to find where…")
        let build: SubmissionBuilder.Build
        do {
            build = try debugBuilder.build(submissionAt: path, abiVersion: ExerciseKitABI.version)
        } catch {
            progress("no debug build to locate it: \(error)")
            return
        }
        let supervisor = self.supervisor(library: build.libraryPath, submission: path, sandboxed: true, diagnose: true)
        let limit = hang ? min(timeout / 2, Self.hangSampleSeconds) : timeout
        var rerun: CheckResult
        do {
            rerun = try supervisor.run(check: result.id, seed: rubric.seed, timeoutSeconds: limit, parameters: parameters)
            // A hang is sampled once per run, at a random point: one that fell in compiler-made
            // code (no line) is sampled again, twice at most, after 1 s.
            for _ in 0..<2 where hang && (rerun.location == nil || rerun.location?.line == 0) {
                let again = try supervisor.run(check: result.id, seed: rubric.seed, timeoutSeconds: min(limit, 1), parameters: parameters)
                if again.location != nil && (again.location?.line ?? 0) > 0 || rerun.location == nil { rerun = again }
            }
        } catch {
            progress("could not locate it: the debug rerun failed (\(error))")
            return
        }
        guard var location = rerun.location else {
            progress("could not locate it: the debug rerun of \(result.id) gave no frame of the submission (\(rerun.message.split(separator: "\n").first ?? ""))")
            return
        }
        location.file = BacktraceReport.relative(location.file, to: build.sources)
        result.location = location
        if location.stillRunning {
            let place = location.line > 0 ? "\(location.file):\(location.line)" : location.file
            result.message += "\nwhere:    still running in \(location.function) at \(place) after \(Int(timeout)) s (this check rerun on a debug build)"
        } else {
            result.message += "\nwhere:    \(location.file):\(location.line), in \(location.function) (this check rerun on a debug build)"
            if let words = location.runtimeMessage { result.message += "\nruntime:  \(words)" }
        }
    }

    /// Adds the limits the submission reached during this check (control group, disk) to the
    /// report, and to the check's message when the check did not pass.
    func noteLimits(on result: inout CheckResult, report: inout SubmissionReport) {
        var events = treeLimits?.newEvents() ?? []
        if let disk, disk.isFull, !report.limitEvents.contains(where: { $0.contains("disk") }) {
            events.append("filled its disk: \(disk.sizeMiB) MiB for the work folder and /tmp together; further writes failed with \"no space left\"")
        }
        if !events.isEmpty, result.status != .passed {
            result.message += (result.message.isEmpty ? "" : "\n") + "the submission " + events.joined(separator: "; it ")
        }
        // Limits the judge and the supervisor enforce are already in the message; listed here too.
        if result.status == .errored, result.message.hasPrefix("stopped"), result.message.contains("printed more than") {
            events.append("printed more than the output limit; its worker was stopped")
        }
        if result.status == .errored, result.message.contains("used up its time budget"),
           !report.limitEvents.contains(where: { $0.contains("time budget") }) {
            events.append("used up its time budget of \(Int(rubric.limits.submissionBudgetSeconds)) s; the remaining checks were not run")
        }
        report.limitEvents += events.map { "\(result.id): \($0)" }
    }
}
