import Checks
import Foundation
import GradingModel
import PluginHost
import Reports
import Rubric
import Scoring

/// Writes the batch's reports from the store (so a resumed batch writes the same files as an
/// uninterrupted one): `gradebook.csv`, `results/<id>.json` (Gradescope), `feedback/<id>.md`,
/// `junit.xml`, `summary.md` and `report.html`.
public struct BatchReports {
    let store: BatchStore
    let rubric: Rubric
    let out: String
    /// The rubric file students are told to reproduce failures with.
    let rubricOption: String
    /// This run's own peak memory (the grader process), for the summary.
    let graderPeakMiB: Double?
    /// The students whose submission is in the folder now; others stay in the store only.
    let present: Set<String>?
    /// The rubric's deadline with the submissions' times and the extensions (nil: no deadline).
    let lateWork: LateWork?

    public init(store: BatchStore, rubric: Rubric, out: String, rubricOption: String, graderPeakMiB: Double? = nil, present: Set<String>? = nil,
                lateWork: LateWork? = nil) {
        self.lateWork = lateWork
        self.store = store
        self.rubric = rubric
        self.out = out
        self.rubricOption = rubricOption
        self.graderPeakMiB = graderPeakMiB
        self.present = present
    }

    /// Stored students whose submission is no longer in the folder.
    func vanished() throws -> [String] {
        guard let present else { return [] }
        return try store.submissions().map(\.id).filter { !present.contains($0) }
    }

    struct Graded {
        let row: BatchStore.Submission
        let report: SubmissionReport
        let sheet: ScoreSheet
        /// The late policy's verdict (nil: the rubric has no deadline).
        var late: Deadline.Outcome? = nil
        /// The TA's overrides applied to `sheet`, with the points each group had been graded.
        var overrides: [(override: BatchStore.Override, graded: Double)] = []

        /// The score the LMS gets: after the late penalty.
        var final: Double { late?.final ?? sheet.total }
    }

    func load() throws -> [Graded] {
        let overrides = Dictionary(grouping: try store.overrides(), by: \.submission)
        return try store.submissions().filter { present?.contains($0.id) ?? true }.map { row in
            var report = SubmissionReport(submission: row.id, results: try store.results(of: row.id), failure: row.failure)
            report.compileSeconds = row.compileSeconds
            report.checkSeconds = row.checkSeconds
            if let containment = row.containment {
                report.containment = Containment(sandboxed: row.sandboxed ?? true, limits: containment.split(separator: "\n").map(String.init))
            }
            report.limitEvents = row.limitEvents.map { $0.split(separator: "\n").map(String.init) } ?? []
            var sheet = Scorer.score(report, rubric: rubric, implementedGroups: Set(CheckCatalog.groups.map(\.name)))
            // The TA's points replace the graded ones before the late policy sees the total.
            var applied: [(override: BatchStore.Override, graded: Double)] = []
            for override in overrides[row.id] ?? [] {
                guard let index = sheet.groups.firstIndex(where: { $0.name == override.groupName }) else { continue }
                applied.append((override, sheet.groups[index].earned))
                sheet.groups[index].earned = override.points
            }
            let late = try lateWork?.outcome(id: row.id, raw: sheet.total, maximum: row.maximum)
            return Graded(row: row, report: report, sheet: sheet, late: late, overrides: applied)
        }
    }

    /// Writes every report; returns the paths written.
    @discardableResult
    public func write() throws -> [String] {
        let graded = try load()
        let fileManager = FileManager.default
        // Root's alone: the sandbox's users reach the output folder (their work folders are in it).
        for folder in ["results", "feedback"] {
            try fileManager.createDirectory(atPath: "\(out)/\(folder)", withIntermediateDirectories: true)
            if geteuid() == 0 { chmod("\(out)/\(folder)", 0o700) }
        }
        var written: [String] = []
        // Everyone's grades and failure messages (hidden tests' included): root's alone when root
        // grades, since the sandbox's users reach the output folder (their work folders are in
        // it) and in the container regime nothing else hides a file from them.
        let mode: mode_t? = geteuid() == 0 ? 0o600 : nil
        func save(_ text: String, _ name: String) throws {
            try AtomicFile.write(text, to: "\(out)/\(name)", mode: mode)
            written.append("\(out)/\(name)")
        }
        try save(gradebook(graded), "gradebook.csv")
        for item in graded {
            let visibility: (String) -> String? = { rubric.group(named: $0)?.visibility }
            try save(try GradescopeReport(item.sheet, report: item.report, visibility: visibility).json() + "\n", "results/\(item.row.id).json")
            try save(feedback(item), "feedback/\(item.row.id).md")
        }
        // A vanished student's old reports would be uploaded with the others: removed (the store keeps the row).
        let gone = try vanished()
        for id in gone {
            for file in ["results/\(id).json", "feedback/\(id).md"] { try? fileManager.removeItem(atPath: "\(out)/\(file)") }
        }
        try save(junit(graded), "junit.xml")
        // The similarity step's result (grader-similarity), if this folder has one.
        let similarity = fileManager.contents(atPath: "\(out)/\(SimilarityResult.fileName)").flatMap { try? JSONDecoder().decode(SimilarityResult.self, from: $0) }
        try save(summary(graded, vanished: gone, similarity: similarity), "summary.md")
        try save(html(graded, similarity: similarity), Self.htmlFileName)
        return written
    }

    var scoredGroups: [Rubric.Group] { rubric.groups.filter { !$0.isDiagnostic } }

    /// One row per student: `total` is what the LMS export takes, so with a deadline it is the
    /// score after the penalty, and `raw`, `penalty` and `late` show how it came about.
    func gradebook(_ graded: [Graded]) -> String {
        let lateColumns = lateWork == nil ? [] : ["raw", "penalty", "late"]
        let anyOverride = graded.contains { !$0.overrides.isEmpty }
        var lines = [(["id", "status", "total", "maximum"] + scoredGroups.map(\.name) + lateColumns + (anyOverride ? ["overrides"] : []) + ["reason"]).joined(separator: ",")]
        for item in graded {
            let points = scoredGroups.map { group in Self.number(item.sheet.groups.first { $0.name == group.name }?.earned ?? 0) }
            // The reason's first two lines: "does not compile:" and the first error with its file and line.
            let reason = item.row.failure.map { $0.split(separator: "\n").prefix(2).joined(separator: " ") } ?? Self.timeReason(item.report.results)
            let late = item.late.map { [Self.number(item.sheet.total), Self.number($0.penalty), Self.csv($0.note)] } ?? []
            // Both values: the TA's and what grading gave.
            let overrides = anyOverride ? [Self.csv(item.overrides.map { "\($0.override.groupName) \(Self.number($0.override.points)) (graded \(Self.number($0.graded))): \($0.override.comment)" }.joined(separator: "; "))] : []
            lines.append(([Self.csv(item.row.id), item.row.status, Self.number(item.final), Self.number(item.row.maximum)]
                          + points + late + overrides + [Self.csv(reason)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func feedback(_ item: Graded) -> String {
        var lines = ["# Feedback: \(item.row.id)", "",
                     "**\(Self.number(item.final)) / \(Self.number(item.row.maximum)) points** (\(item.row.status))", ""]
        for (override, graded) in item.overrides {
            lines += ["\(override.groupName): \(Self.number(override.points)) points set by the course staff (graded \(Self.number(graded))): \(override.comment)", ""]
        }
        if let late = item.late, late.penalty > 0 || late.note != "on time" {
            lines += ["Deadline: \(late.note)" + (late.penalty > 0 ? "; \(Self.number(item.sheet.total)) points before the late penalty of \(Self.number(late.penalty))." : "."), ""]
        }
        if let containment = item.report.containment, !containment.sandboxed {
            lines += ["> Graded without a sandbox: \(containment.limits.first ?? "")", ""]
        }
        if let failure = item.row.failure {
            lines += ["Your submission could not be graded:", "", "```", failure, "```", "",
                      "Check it yourself before uploading: `grader check submission.zip`."]
            return lines.joined(separator: "\n") + "\n"
        }
        if !item.report.limitEvents.isEmpty {
            lines += ["Your code reached the grader's limits:", ""] + item.report.limitEvents.map { "- \($0)" } + [""]
        }
        lines += ["| group | points | result |", "|---|---|---|"]
        for group in item.sheet.groups {
            let hidden = rubric.group(named: group.name)?.visibility == "hidden"
            let result = hidden ? "hidden test" : group.passed ? "OK" : "FAIL"
            lines.append("| \(group.name)\(group.diagnostic ? " (not scored)" : "") | \(Self.number(group.earned)) / \(Self.number(group.percent)) | \(result) |")
        }
        let visible = item.sheet.groups.filter { !$0.passed && rubric.group(named: $0.name)?.visibility != "hidden" }
        // One cause, one section: the checks it failed are listed, its message shown once.
        let causes = SharedCause.find(in: visible.flatMap(\.results))
        for cause in causes {
            lines += ["", "## [\(cause.number)] \(cause.checks.count) checks: \(cause.title)", "",
                      cause.checks.map { "`\($0.id)`" }.joined(separator: ", "), "", "```", cause.checks[0].message, "```"]
            lines += reproduce(cause.checks[0])
        }
        for group in visible {
            for result in group.results where result.status != .passed && !causes.contains(where: { $0.checks.contains(result) }) {
                lines += ["", "## \(result.id)", "", "```", result.message, "```"]
                lines += reproduce(result)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func reproduce(_ result: CheckResult) -> [String] {
        guard rubric.group(named: result.group)?.differential != true else { return [] }
        return ["", "Reproduce: `grader run\(rubricOption) --group \(result.group) --check \(result.name) <your submission>`"]
    }

    /// For a graded submission some of whose checks ran out of time: which, and why ("" if none).
    static func timeReason(_ results: [CheckResult]) -> String {
        let timedOut = results.filter { $0.status == .errored && $0.message.hasPrefix("timed out") }
        let notRun = results.filter { $0.status == .errored && $0.message.hasPrefix("not run") }
        var reasons: [String] = []
        if !timedOut.isEmpty { reasons.append("\(timedOut.map(\.id).joined(separator: " ")) timed out") }
        if !notRun.isEmpty { reasons.append("\(notRun.count) checks not run (the submission's time budget was used up)") }
        return reasons.joined(separator: "; ")
    }

    func junit(_ graded: [Graded]) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<testsuites name=\"\(Self.xml(rubric.title))\">"]
        for item in graded {
            let failures = item.report.results.filter { $0.status == .failed }.count
            let errors = item.report.results.filter { $0.status == .errored }.count + (item.row.failure == nil ? 0 : 1)
            lines.append("  <testsuite name=\"\(Self.xml(item.row.id))\" tests=\"\(max(1, item.report.results.count))\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(Self.number(item.row.wallSeconds))\">")
            if let failure = item.row.failure {
                lines.append("    <testcase classname=\"\(Self.xml(item.row.id))\" name=\"gradable\"><error message=\"not gradable\">\(Self.xml(failure))</error></testcase>")
            }
            for result in item.report.results {
                let open = "    <testcase classname=\"\(Self.xml(item.row.id)).\(Self.xml(result.group))\" name=\"\(Self.xml(result.name))\" time=\"\(String(format: "%.3f", result.seconds))\""
                switch result.status {
                case .passed: lines.append(open + "/>")
                case .failed: lines.append(open + "><failure message=\"failed\">\(Self.xml(result.message))</failure></testcase>")
                case .errored: lines.append(open + "><error message=\"error\">\(Self.xml(result.message))</error></testcase>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    func summary(_ graded: [Graded], vanished: [String] = [], similarity: SimilarityResult? = nil) -> String {
        var lines = ["# Batch summary: \(rubric.title)", "", "\(graded.count) submissions.", ""]
        if !vanished.isEmpty {
            lines += ["**No longer in the submissions folder** (kept in grades.sqlite, left out of the gradebook and the reports): "
                      + vanished.joined(separator: ", ") + ".", ""]
        }
        let statuses = Dictionary(grouping: graded, by: \.row.status).mapValues(\.count)
        lines += ["| status | submissions |", "|---|---|"] + statuses.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value) |" }
        let maximum = graded.first?.row.maximum ?? 100
        lines += ["", "## Scores", "", "| points | submissions | |", "|---|---|---|"]
        for bucket in Self.histogram(graded.map(\.sheet.total), maximum: maximum) {
            lines.append("| \(bucket.label) | \(bucket.count) | \(String(repeating: "█", count: bucket.count)) |")
        }
        var attempts: [String: (failed: Int, total: Int)] = [:]
        for item in graded { for result in item.report.results { attempts[result.id, default: (0, 0)].total += 1; if result.status != .passed { attempts[result.id]!.failed += 1 } } }
        lines += ["", "## Failure rate per check", "", "| check | failed | rate |", "|---|---|---|"]
        for (id, count) in attempts.filter({ $0.value.failed > 0 }).sorted(by: { ($0.value.failed, $1.key) > ($1.value.failed, $0.key) }) {
            lines.append("| \(id) | \(count.failed) / \(count.total) | \(Int((100 * Double(count.failed) / Double(count.total)).rounded())) % |")
        }
        let overridden = graded.filter { !$0.overrides.isEmpty }
        if !overridden.isEmpty {
            lines += ["", "## Overrides by the course staff", "", "| submission | group | points | graded | comment |", "|---|---|---|---|---|"]
            for item in overridden {
                for (override, graded) in item.overrides {
                    lines.append("| \(item.row.id) | \(override.groupName) | \(Self.number(override.points)) | \(Self.number(graded)) | \(override.comment.replacingOccurrences(of: "|", with: "\\|")) |")
                }
            }
        }
        if lateWork != nil {
            let penalised = graded.filter { ($0.late?.penalty ?? 0) > 0 }
            let unknown = graded.filter { $0.late?.note.hasPrefix("no submission time") == true }
            lines += ["", "## Late work", "", "\(penalised.count) submissions lost points to the late policy (gradebook.csv: raw, penalty, late; the LMS export takes the total after it)."]
            lines += penalised.map { "- \($0.row.id): −\(Self.number($0.late!.penalty)) (\($0.late!.note))" }
            if !unknown.isEmpty {
                lines += ["", "**No submission time for \(unknown.count)** (\(unknown.prefix(5).map(\.row.id).joined(separator: ", "))\(unknown.count > 5 ? ", …" : "")): counted as on time; give `--submissions` a CSV with their times."]
            }
        }
        lines += ["", "## Containment", ""]
        let unsandboxed = graded.filter { $0.row.sandboxed == false }
        if !unsandboxed.isEmpty {
            lines.append("**\(unsandboxed.count) submissions were graded WITHOUT a sandbox** (\(unsandboxed.prefix(5).map(\.row.id).joined(separator: ", "))\(unsandboxed.count > 5 ? ", …" : "")).")
            lines.append("")
        }
        let regimes = Dictionary(grouping: graded.compactMap(\.row.containment), by: { $0 })
        for (regime, rows) in regimes.sorted(by: { $0.value.count > $1.value.count }) {
            lines.append("\(rows.count) submissions ran under:")
            lines += [""] + regime.split(separator: "\n").map { "- \($0)" } + [""]
        }
        let peaks = graded.compactMap(\.row.peakMemoryMiB)
        let judges = graded.compactMap(\.row.judgePeakMiB)
        var memory: [String] = []
        if let graderPeakMiB { memory.append(String(format: "the grader itself %.0f MiB", graderPeakMiB)) }
        if let most = judges.max() { memory.append(String(format: "its judges at most %.0f MiB", most)) }
        if let most = peaks.max() { memory.append(String(format: "a submission's processes at most %.0f MiB", most)) }
        if !memory.isEmpty { lines += ["Peak memory: " + memory.joined(separator: ", ") + ".", ""] }
        let reached = graded.filter { $0.row.limitEvents?.isEmpty == false }
        if !reached.isEmpty {
            lines += ["| id | limits reached |", "|---|---|"]
            for item in reached {
                lines.append("| \(item.row.id) | \((item.row.limitEvents ?? "").split(separator: "\n").joined(separator: "<br>")) |")
            }
        }
        if let similarity {
            let threshold = similarity.parameters.clusterThreshold
            lines += ["", "## Similarity", "", similarity.clusters.isEmpty
                      ? "No pair scores \(Int(threshold * 100)) % or more (report.html, similarity.html)."
                      : "\(similarity.clusters.count) clusters of submissions sharing code (pairs at \(Int(threshold * 100)) % or more; side by side in report.html):"]
            lines += similarity.clusters.map { "- " + $0.joined(separator: ", ") }
        }
        lines += ["", "## Slowest submissions", "", "| id | wall | unzip | compile | checks | of which training |", "|---|---|---|---|---|---|"]
        for item in graded.sorted(by: { $0.row.wallSeconds > $1.row.wallSeconds }).prefix(5) {
            let r = item.row
            lines.append(String(format: "| %@ | %.1f s | %.2f s | %.1f s | %.1f s | %.1f s |", r.id, r.wallSeconds, r.unzipSeconds, r.compileSeconds, r.checkSeconds, r.trainingSeconds))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func number(_ value: Double) -> String { value == value.rounded() ? "\(Int(value))" : String(format: "%.2f", value) }
    static func csv(_ text: String) -> String { CSVTable.quote(text) }
    static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
