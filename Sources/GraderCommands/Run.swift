import Batch
import ArgumentParser
import Checks
import Foundation
import GradingModel
import Intake
import PluginHost
import Reports
import Rubric
import Scoring

extension GraderCommand {
    /// `grader run [--bonus] [--group NAME]... [--format text|json] [PATH]`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the public checks on a submission and report the results.",
            discussion: """
                Exit codes: 0 the run completed, whatever the score; 1 the harness could not run; \
                2 the submission is not gradable (it does not compile or load); 64 a wrong invocation.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Flag(help: "Print the exercise's points table (Bonus mode).")
        var bonus = false

        @Option(name: .customLong("group"), help: "Run only this test group (repeatable), e.g. TestConv.")
        var groups: [String] = []

        @Option(name: .customLong("check"), help: "Run only this check of the selected groups (repeatable).")
        var checks: [String] = []

        @Option(help: "Output format: text, or json (Gradescope's results.json).")
        var format: Format = .text

        @Flag(help: "Print compile and per-group times (for benchmarks).")
        var timings = false

        @Option(help: "The reference solution, for the rubric's hidden differential groups (TAs).")
        var reference: String?

        @Option(help: "Where loss curves (SVG) are written when training checks run.")
        var reportDir: String = "grader-report"

        @OptionGroup var sandboxing: SandboxOptions

        @OptionGroup var common: CommonOptions

        @Argument(help: "The submission folder or zip.")
        var path: String = "."

        func validate() throws {
            if let problem = OutputFolder.fileInTheWay(reportDir, option: "--report-dir") { throw problem }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("PATH '\(path)' does not exist: give a submission folder or zip")
            }
            for group in groups where CheckCatalog.group(named: group) == nil && !knownRubricGroup(group) {
                let known = CheckCatalog.groups.map(\.name).joined(separator: ", ")
                throw ValidationError("--group '\(group)' is not a test group; known: \(known)")
            }
            // A TA's missing --reference is a wrong invocation: say so before anything is compiled
            // (not a "not gradable" submission after its build).
            if let rubric = try? common.loadRubric() {
                let differential = rubric.differentialGroups(among: groups)
                if !differential.isEmpty && reference == nil {
                    throw ValidationError("--rubric \(common.rubric ?? "exercise2") compares with the reference (\(differential.joined(separator: ", "))): give --reference FOLDER, the reference solution's folder")
                }
            }
            if let reference, !FileManager.default.fileExists(atPath: reference) {
                throw ValidationError("--reference '\(reference)' does not exist: give the reference solution's folder")
            }
            // A --check that no selected group has would silently run nothing.
            let selected = groups.isEmpty ? CheckCatalog.groups : groups.compactMap(CheckCatalog.group(named:))
            for check in checks where !selected.contains(where: { $0.checks.contains { $0.name == check } }) {
                let names = selected.count == 1 ? selected[0].checks.map(\.name).joined(separator: ", ") : "see `grader list`"
                throw ValidationError("--check '\(check)' is not a check of \(groups.isEmpty ? "any group" : groups.joined(separator: ", ")); checks: \(names)")
            }
        }

        private func knownRubricGroup(_ name: String) -> Bool {
            (try? common.loadRubric().group(named: name)) != nil
        }

        func run() throws {
            Interruption.install(message: "interrupted: nothing was recorded")
            let rubric = try common.loadRubric()
            let input: SubmissionInput
            do {
                input = try SubmissionInput(path: path, limits: rubric.extractionLimits)
            } catch {
                // An autograder reads stdout as results.json: a 0 with the reason, never a parse error.
                var report = SubmissionReport(submission: URL(fileURLWithPath: path).lastPathComponent)
                report.failure = "\(path) cannot be unpacked safely: \(error)"
                if format == .json {
                    let sheet = Scorer.score(report, rubric: rubric, implementedGroups: Set(CheckCatalog.groups.map(\.name)))
                    print(try GradescopeReport(sheet, report: report).json())
                } else {
                    print("NOT GRADED: \(report.failure!)")
                }
                throw ExitCode(2)
            }
            defer { input.cleanUp() }
            var (absolute, name) = (input.folder, input.name)
            var session = GradingSession(rubric: rubric, executable: ExerciseKitLocation.executablePath(),
                                         onlyGroups: groups, onlyChecks: checks)
            // Results as they come, on stderr (the report follows on stdout); JSON stays quiet.
            let live = format == .text ? LiveProgress(terminal: isatty(STDERR_FILENO) == 1, checkIDs: session.selectedCheckIDs) : nil
            defer { live?.stop() }
            session.progress = { live?.note($0) }
            session.checkStarted = { live?.started($0, limit: $1) }
            session.checkFinished = { live?.finished($0) }
            var report: SubmissionReport
            session.compilerThreads = ProcessInfo.processInfo.activeProcessorCount  // one student: use the cores
            session.referencePath = reference.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let workspace = try sandboxing.workspace(rubric: rubric, name: name, executable: session.executable,
                                                     rubricPath: common.rubricPath, reference: session.referencePath)
            defer { workspace?.close() }
            if let workspace {
                absolute = try workspace.adopt(copyOf: absolute)
                workspace.configure(&session, sharedCache: SubmissionBuilder.defaultCacheDirectory)
            }
            do {
                report = try session.grade(submissionAt: absolute, name: name)
            } catch {
                throw HarnessFailure("\(error)")
            }
            live?.stop()
            try writeLossCurves(&report)
            let implemented = Set(CheckCatalog.groups.map(\.name))
            let sheet = Scorer.score(report, rubric: rubric, implementedGroups: implemented,
                                     onlyGroups: groups.isEmpty ? nil : Set(groups))
            switch format {
            case .json:
                print(try GradescopeReport(sheet, report: report, visibility: { rubric.group(named: $0)?.visibility }).json())
            case .text:
                let rubricOption = common.rubric.map { " --rubric \(shellQuoted($0))" } ?? ""
                print(TextReport.render(sheet, report: report) { result in
                    "grader run\(rubricOption) --group \(result.group) --check \(result.name) \(shellQuoted(path))"
                })
                if bonus {
                    print("")
                    print(BonusTable.render(sheet))
                }
            }
            if timings { FileHandle.standardError.write(Data((Self.timingLines(report) + Self.containmentLines(report)).utf8)) }
            if report.failure != nil { throw ExitCode(2) }
        }
    }
}

extension GraderCommand.Run {
    /// `containment …` and `memory …` lines for `--timings`.
    static func containmentLines(_ report: SubmissionReport) -> String {
        var lines = ["containment \(report.containment?.summary ?? "none: a regular user's own run (pass --sandbox to sandbox it)")"]
        var memory = [String(format: "grader %.0f MiB", GraderMemory.peakMiB)]
        if let judge = report.judgePeakMiB { memory.append(String(format: "judge %.0f MiB", judge)) }
        if let peak = report.peakMemoryMiB { memory.append(String(format: "submission %.0f MiB", peak)) }
        lines.append("memory peak " + memory.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes every loss curve and accuracy curve a check returned to the report folder and says where in the result.
    func writeLossCurves(_ report: inout SubmissionReport) throws {
        for index in report.results.indices {
            guard let loss = report.results[index].artifacts?["loss"] else { continue }
            let result = report.results[index]
            try OutputFolder.create(reportDir, option: "--report-dir")
            let file = "\(reportDir)/\(result.group)-loss.svg"
            try OutputFolder.write(LossCurve.svg(losses: loss.values, title: "\(report.submission) — \(result.group): training loss"),
                                   to: file, option: "--report-dir")
            report.results[index].message += (result.message.isEmpty ? "" : "\n") + "loss curve: \(file)"
            report.results[index].artifacts = nil
        }
        // Accuracy per epoch, training then test (shape [2, epochs]): one curve file per group.
        for index in report.results.indices {
            guard let accuracy = report.results[index].artifacts?["accuracy"], accuracy.shape.count == 2, accuracy.shape[0] == 2 else { continue }
            let result = report.results[index]
            let epochs = accuracy.shape[1]
            try OutputFolder.create(reportDir, option: "--report-dir")
            let file = "\(reportDir)/\(result.group)-accuracy.svg"
            try OutputFolder.write(AccuracyCurve.svg(train: Array(accuracy.values.prefix(epochs)), test: Array(accuracy.values.dropFirst(epochs)),
                                                     title: "\(report.submission) — \(result.group): accuracy per epoch"),
                                   to: file, option: "--report-dir")
            report.results[index].message += (result.message.isEmpty ? "" : "\n") + "accuracy curves: \(file)"
            report.results[index].artifacts = nil
        }
    }

    /// `timing compile 1.234`, `timing checks 0.567`, `timing group TestFlatten 0.001`: one per line.
    static func timingLines(_ report: SubmissionReport) -> String {
        var lines = [String(format: "timing compile %.3f", report.compileSeconds),
                     String(format: "timing checks %.3f", report.checkSeconds)]
        var groups: [String] = []
        for result in report.results where !groups.contains(result.group) { groups.append(result.group) }
        for group in groups {
            let seconds = report.results(inGroup: group).reduce(0) { $0 + $1.seconds }
            lines.append(String(format: "timing group %@ %.6f", group, seconds))
        }
        for result in report.results { lines.append(String(format: "timing check %@ %.6f", result.id, result.seconds)) }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Folders and files the grader writes for the user: errors as sentences naming the option.
enum OutputFolder {
    /// Why `path` cannot be the folder `option` names (it is a file), or nil; for `validate()`,
    /// so the mistake is a usage error (64) before anything runs.
    static func fileInTheWay(_ path: String, option: String) -> ValidationError? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return ValidationError("\(option) '\(path)' is a file, not a folder: give a folder (it is created when missing)")
    }

    /// Creates `path` (and its parents) or says why it cannot, e.g. "--out x is not writable".
    static func create(_ path: String, option: String) throws {
        if let problem = fileInTheWay(path, option: option) { throw HarnessFailure(problem.message) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard access(path, W_OK) == 0 else { throw HarnessFailure("\(option) \(path) is not writable: choose another folder or fix its permissions") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw HarnessFailure("\(option) \(path) cannot be created (\(SubmissionBuilder.reason(error))): choose another folder")
        }
    }

    /// Writes `data` to `path` (replacing it) or says why it cannot.
    static func write(_ text: String, to path: String, option: String) throws {
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw HarnessFailure("cannot write \(path) (\(SubmissionBuilder.reason(error))): check \(option)")
        }
    }
}

/// The harness could not grade (not the submission's fault): one line, exit code 1.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Quotes a path for a copy-pasteable command when it needs it.
func shellQuoted(_ text: String) -> String {
    let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,".contains($0) }
    return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
