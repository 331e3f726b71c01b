import ArgumentParser
import Checks
import Batch
import Foundation
import PluginHost
import Reports
import Rubric

extension GraderCommand {
    /// `grader batch DIR --rubric FILE [--jobs N] [--out DIR] [--reference PATH]`.
    struct BatchGrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "batch",
            abstract: "Grade every submission (*.zip or folder) in DIR: sandboxed, in parallel, resumable.",
            discussion: """
                Results go to OUT/grades.sqlite as each submission finishes; rerunning the same command \
                grades only what is new, changed or unfinished (--regrade forces). Reports: OUT/gradebook.csv, \
                OUT/results/<id>.json (Gradescope), OUT/feedback/<id>.md, OUT/junit.xml, OUT/summary.md.

                A submission the grader itself could not grade (status "error": a compiler stopped from \
                outside, a harness failure) is never a grade: it is graded again by the next run. Ctrl-C \
                stops every job's processes; rerunning the same command resumes.

                Exit codes: 0 every submission has a grade (graded, not gradable or timed out); 1 some \
                submissions have status "error" (rerun) or the batch could not start (the message says \
                why); 64 bad arguments; 130 interrupted.
                """)

        @Argument(help: "The folder of submissions; each *.zip or folder is one student (id = its name).")
        var directory: String

        @Option(help: "The rubric: a file or a bundled rubric's name, e.g. course-hidden (may add hidden differential groups).")
        var rubric: String

        var rubricPath: String { Rubric.resolve(rubric, executable: ExerciseKitLocation.executablePath()) }

        @Option(name: .customLong("jobs"), help: ArgumentHelp("Submissions graded at a time (default: the number of cores).", valueName: "n"))
        var jobsOption: Int?

        var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }

        @Option(help: "The output folder.")
        var out: String = "grader-out"

        @Option(help: "The reference solution, for hidden differential groups.")
        var reference: String?

        @Flag(help: "Grade every submission again, even unchanged ones (with --only: those).")
        var regrade = false

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Grade only these students (ids: zip or folder names without .zip); the reports still list everyone.", valueName: "id"))
        var only: [String] = []

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Do not grade these students now (their stored grades stay).", valueName: "id"))
        var exclude: [String] = []

        @Flag(name: .customLong("no-sandbox"), help: "Run untrusted code without bubblewrap (only for trusted submissions; every report says so).")
        var noSandbox = false

        @Flag(name: .customLong("no-similarity"), help: "Do not compare the submissions' code (grader-similarity) after grading.")
        var noSimilarity = false

        @Option(help: ArgumentHelp("A CSV of the submissions' times for the rubric's deadline (Gradescope's export: Submission ID, Submission Time; any id and time columns).", valueName: "file"))
        var submissions: String?

        func validate() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("DIRECTORY '\(directory)' is not a folder of submissions")
            }
            guard FileManager.default.fileExists(atPath: rubricPath) else {
                throw ValidationError("--rubric '\(rubric)' is neither a file nor a bundled rubric (\(Exercise.bundledRubrics))")
            }
            if let problem = OutputFolder.fileInTheWay(out, option: "--out") { throw problem }
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs \(jobs) must be between 1 and 64") }
            if let reference, !FileManager.default.fileExists(atPath: reference) {
                throw ValidationError("--reference '\(reference)' does not exist")
            }
            if let submissions, !FileManager.default.fileExists(atPath: submissions) {
                throw ValidationError("--submissions '\(submissions)' does not exist: give the CSV of submission times (Gradescope: Assignment > Review Grades > Download Grades)")
            }
        }

        func run() throws {
            Interruption.install(message: "interrupted: rerun the same command to grade what was in progress (finished submissions are kept)")
            if !noSandbox, let problem = Sandbox.noRegimeReason() { throw HarnessFailure(problem) }
            try OutputFolder.create(out, option: "--out")
            let runner = try BatchRunner(options: .init(
                directory: directory, rubricPath: rubricPath, out: out, jobs: jobs, referencePath: reference,
                regrade: regrade, sandboxed: !noSandbox, executable: ExerciseKitLocation.executablePath()))
            if let problem = runner.sandboxProblem() ?? runner.referenceProblem() { throw HarnessFailure(problem) }
            // Read before anyone is graded: a bad extensions file or times CSV stops here.
            let lateWork = try lateWork(runner.rubric)
            let entries = try runner.entries()
            let chosen = try runner.selected(entries, only: only, exclude: exclude)
            let pending = try runner.pending(chosen)
            let vanished = try runner.vanished(entries)
            if !vanished.isEmpty {
                FileHandle.standardError.write(Data("no longer in \(directory): \(vanished.joined(separator: ", ")) (kept in grades.sqlite, left out of the gradebook)\n".utf8))
            }
            let progress = BatchProgress(total: pending.count, skipped: chosen.count - pending.count)
            progress.start()
            try runner.run(pending, report: { row in progress.finished(row) }, retried: { id in progress.retrying(id) })
            progress.done()
            // Every submission in the folder, graded now or before: a copy is a copy either way.
            let similarity = noSimilarity ? nil : SimilarityTool.runForBatch(directory: directory, out: out, submissions: entries.count)
            let peak = GraderMemory.peakMiB
            let written = try BatchReports(store: runner.store, rubric: runner.rubric, out: out, rubricOption: reproduceRubric(runner.rubric),
                                           graderPeakMiB: peak, present: Set(entries.map(\.id)), lateWork: lateWork).write()
            if noSandbox { print("WARNING: graded WITHOUT a sandbox (--no-sandbox): every report says so") }
            FileHandle.standardError.write(Data(String(format: "grader peak memory: %.0f MiB\n", peak).utf8))
            if let similarity { print(similarity) }
            print("Reports: \(out)/report.html, \(out)/gradebook.csv, \(out)/summary.md, \(out)/junit.xml, \(out)/results/, \(out)/feedback/ (\(written.count) files)")
            let errors = try runner.store.submissions().filter { $0.status == "error" }.map(\.id)
            if !errors.isEmpty {
                throw HarnessFailure("\(errors.count) submission(s) could not be graded because of the grader, not the student (\(errors.joined(separator: ", ")); status \"error\" in the gradebook): rerun the same command to grade them")
            }
        }

        /// The rubric's deadline with the submissions' times and extensions, or nil without one.
        func lateWork(_ loaded: Rubric) throws -> LateWork? {
            guard let deadline = loaded.deadline else {
                if submissions != nil { throw HarnessFailure("--submissions gives submission times, but the rubric \(rubric) has no \"deadline\": add one (docs/rubric-format.md) or leave --submissions out") }
                return nil
            }
            do {
                return try LateWork(deadline: deadline, submissionsCSV: submissions)
            } catch {
                throw HarnessFailure("\(error)")
            }
        }

        /// ` --rubric NAME` for students' reproduce lines: the rubric they have (`publicRubric`), or
        /// this one when it is bundled with the grader; never a path of the TA's machine.
        func reproduceRubric(_ loaded: Rubric) -> String {
            if let name = loaded.publicRubric { return name == "exercise2" ? "" : " --rubric \(name)" }
            let name = URL(fileURLWithPath: rubricPath).deletingPathExtension().lastPathComponent
            let bundled = Rubric.locateDefault(named: name + ".json", executable: ExerciseKitLocation.executablePath())
            guard let bundled, URL(fileURLWithPath: bundled).standardizedFileURL == URL(fileURLWithPath: rubricPath).standardizedFileURL else { return "" }
            return name == "exercise2" ? "" : " --rubric \(name)"
        }
    }
}

/// Progress of a batch: a bar with done/total, failures and ETA on a terminal, a line per
/// submission otherwise (logs, CI).
final class BatchProgress: @unchecked Sendable {
    let total: Int
    let skipped: Int
    /// What is graded: `submissions`, or `mutants` for an audit.
    let noun: String
    private var completed = 0
    private var failures = 0
    private let startedAt = Date()
    private let lock = NSLock()
    private let terminal = isatty(STDERR_FILENO) == 1

    init(total: Int, skipped: Int, noun: String = "submissions") {
        self.total = total
        self.skipped = skipped
        self.noun = noun
    }

    func start() {
        write("grading \(total) \(noun)\(skipped > 0 ? " (\(skipped) unchanged, already graded)" : "")\n")
    }

    func finished(_ row: BatchStore.Submission) {
        lock.lock()
        defer { lock.unlock() }
        completed += 1
        if row.status != "graded" { failures += 1 }
        let elapsed = Date().timeIntervalSince(startedAt)
        let eta = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : 0
        if terminal {
            let width = 30
            let filled = total > 0 ? width * completed / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write(String(format: "\r%@ %d/%d done, %d not graded or timed out, ETA %.0f s  ", bar, completed, total, failures, eta))
        } else {
            if row.status == "error" {
                write("[\(completed)/\(total)] \(row.id): error (the grader's, not the student's; graded again on the next run): \(row.failure ?? "")\n")
            } else {
                write(String(format: "[%d/%d] %@: %@, %@ / %@ points (%.1f s)\n", completed, total, row.id, row.status,
                             BatchProgress.number(row.total), BatchProgress.number(row.maximum), row.wallSeconds))
            }
        }
    }

    func retrying(_ id: String) {
        lock.lock()
        defer { lock.unlock() }
        write("\(terminal ? "\n" : "")\(id): a check ran out of wall-clock time while computing (the machine was busy); grading it again alone (that grade counts)\n")
    }

    func done() {
        if terminal { write("\n") }
        write(String(format: "finished in %.1f s\n", Date().timeIntervalSince(startedAt)))
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func number(_ value: Double) -> String { value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value) }
}
