import ArgumentParser
import Checks
import Foundation
import Intake
import PluginHost
import Rubric

extension GraderCommand {
    /// `grader rubric check FILE`: what a rubric will grade, for a TA to review before a course.
    struct RubricCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rubric", abstract: "Review rubrics.", subcommands: [CheckRubric.self])
    }

    struct CheckRubric: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a rubric and print what it grades: groups, points, checks, parameters, limits.",
            discussion: "Exit codes: 0 the rubric is valid; 1 it is not (every problem is listed with its key and fix); 64 bad arguments.")

        @Argument(help: "The rubric: a file or a bundled rubric's name (\(Exercise.bundledRubrics)).")
        var rubric: String

        func run() throws {
            let path = Rubric.resolve(rubric, executable: ExerciseKitLocation.executablePath())
            // Every problem at once, so a TA fixes the rubric in one pass.
            let loaded = try Rubric.load(from: path, validating: false)
            var problems = CheckCatalog.problems(in: loaded)
            if let shared = loaded.sharedSeedProblem(executable: ExerciseKitLocation.executablePath()) { problems.append(shared) }
            do {
                try loaded.validate(path: path)
            } catch let RubricError.invalid(_, reason) {
                problems.insert(reason, at: 0)
            }
            guard problems.isEmpty else {
                throw HarnessFailure("rubric \(path) is invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"))
            }
            print(Self.table(loaded, path: path))
        }

        static func table(_ rubric: Rubric, path: String) -> String {
            var lines = ["\(rubric.title) (\(rubric.exercise)), \(path)", "",
                         "| group | percent | visibility | checks | parameters |", "|---|---:|---|---|---|"]
            for group in rubric.groups {
                let checks = group.checks?.joined(separator: ", ") ?? "all \(CheckCatalog.group(named: group.name)?.checks.count ?? 0)"
                let parameters = (group.parameters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(number($0.value))" }.joined(separator: ", ")
                let kind = group.isDiagnostic ? "diagnostic, not scored"
                    : (group.visibility ?? "visible") + (group.differential == true ? ", compared with the reference" : "")
                        + (group.isExtraCredit ? ", extra credit" : "")
                lines.append("| \(group.name) | \(group.isDiagnostic ? "–" : number(group.percent)) | \(kind) | \(checks) | \(parameters) |")
            }
            let scored = rubric.groups.filter { !$0.isDiagnostic && !$0.isExtraCredit }.reduce(0) { $0 + $1.percent }
            let extra = rubric.groups.filter(\.isExtraCredit).reduce(0) { $0 + $1.percent }
            let limits = rubric.limits
            let intake = rubric.extractionLimits
            lines += ["", "total: \(number(scored)) %" + (extra > 0 ? " (+ \(number(extra)) % extra credit)" : "")
                        + " = \(number(rubric.examPercentage * scored / 100)) exam points (100 % = \(number(rubric.examPercentage)))",
                      "seed: \(rubric.seed)",
                      "limits: \(number(limits.checkTimeoutSeconds)) s per check, \(number(limits.submissionBudgetSeconds)) s per submission, "
                        + "\(number(limits.compileTimeoutSeconds)) s to compile, \(limits.treeMemoryMiB) MiB memory, \(limits.processLimit) processes, \(limits.diskLimitMiB) MiB disk",
                      "zips: at most \(intake.maxEntries) entries, \(intake.maxEntryBytes >> 20) MiB an entry, \(intake.maxTotalBytes >> 20) MiB in all, ratio \(number(intake.maxCompressionRatio)):1",
                      "data: \(rubric.dataDirectory ?? "none")"]
            if let layout = rubric.submission {
                lines.append("submission: requires \(layout.requiredFiles.joined(separator: ", "))"
                             + ((layout.optionalFiles ?? []).isEmpty ? "" : "; optional \(layout.optionalFiles!.joined(separator: ", "))"))
            }
            return lines.joined(separator: "\n")
        }

        static func number(_ value: Double) -> String { value == value.rounded() ? "\(Int(value))" : String(format: "%g", value) }
    }
}
