import Foundation
import GradingModel

/// What grading each mutant showed about a rubric (issue 12): which mutants its checks kill, which
/// survive (with the group that should have caught them), which checks never fail.
public struct AuditReport: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable {
        /// A check that passes on the reference failed or crashed.
        case killed
        /// Killed only by running out of time (counted apart: slow is not wrong).
        case timedOut = "timed out"
        /// Every check that passes on the reference passed.
        case survived
        /// The mutant does not compile (counted apart).
        case doesNotCompile = "does not compile"
        /// The grader failed on it (status `error`): counted apart, graded again on the next run.
        case notGraded = "not graded"
    }

    public struct Entry: Codable, Equatable, Sendable {
        public var mutant: Mutant
        public var outcome: Outcome
        /// The checks that failed, as `Group.check`.
        public var killedBy: [String]
        /// The first killing check's message, first line: what a student with this bug reads.
        public var message: String?
        /// The rubric's groups that test the mutated contract: the ones that should have caught it.
        public var shouldCatch: [String]
        /// For a survivor: the equivalence triage's finding (`likely equivalent`, or the probe
        /// that tells it apart), nil when not triaged.
        public var triage: String?
        public var likelyEquivalent: Bool
    }

    public struct Tally: Codable, Equatable, Sendable {
        public var mutants = 0
        public var killed = 0
        public var survived = 0
        public var likelyEquivalent = 0
        public var timedOut = 0
        public var doesNotCompile = 0
        public var notGraded = 0
        /// killed / (killed + survived − likely equivalent); timed-out and uncompilable mutants
        /// are left out of both.
        public var score: Double? {
            let judged = killed + survived - likelyEquivalent
            return judged > 0 ? Double(killed) / Double(judged) : nil
        }
    }

    public var rubric: String
    public var reference: String
    public var generated: Int
    public var entries: [Entry]
    /// Checks that pass on the reference and fail on no mutant: tests that cannot fail here.
    public var checksThatKillNothing: [String]
    public var overall: Tally
    public var byContract: [String: Tally]
    public var byGroup: [String: Int]
    /// The exercise's stated requirements and this rubric's checks for each (empty: none checks it).
    public var requirements: [RequirementRow] = []

    public struct RequirementRow: Codable, Equatable, Sendable {
        public var id: String
        public var text: String
        public var checks: [String]
        public var accepted: String?
    }

    /// The requirements of the exercises (each exercise's list) whose groups `rubricGroups` uses,
    /// with the checks of those groups.
    public static func requirementRows(_ exercises: [[Requirement]], rubricGroups: [String]) -> [RequirementRow] {
        let groups = Set(rubricGroups)
        func group(_ check: String) -> String { String(check.prefix { $0 != "." }) }
        return exercises
            .filter { exercise in exercise.contains { $0.checks.contains { groups.contains(group($0)) } } }
            .flatMap { $0 }
            .map { RequirementRow(id: $0.id, text: $0.text, checks: $0.checks.filter { groups.contains(group($0)) }, accepted: $0.accepted) }
    }

    /// Classifies every mutant against the reference's own results.
    public static func make(rubric: String, reference: String, generated: Int, original: [CheckResult],
                            mutants: [(Mutant, status: String, failure: String?, results: [CheckResult])],
                            shouldCatch: (Mutant) -> [String]) -> AuditReport {
        let passing = Set(original.filter { $0.status == .passed }.map(\.id))
        var entries: [Entry] = []
        var failedSomewhere = Set<String>()
        var byGroup: [String: Int] = [:]
        for (mutant, status, failure, results) in mutants {
            let broken = results.filter { passing.contains($0.id) && $0.status != .passed }
            failedSomewhere.formUnion(broken.map(\.id))
            let outcome: Outcome
            if status == "not gradable", failure?.contains("compile") == true {
                outcome = .doesNotCompile
            } else if status == "error" || status == "in progress" {
                outcome = .notGraded
            } else if broken.isEmpty && status == "graded" {
                outcome = .survived
            } else if !broken.isEmpty && broken.allSatisfy({ $0.message.hasPrefix("timed out") || $0.message.hasPrefix("not run") }) {
                outcome = .timedOut
            } else {
                outcome = .killed
            }
            for group in Set(broken.map(\.group)) where outcome == .killed { byGroup[group, default: 0] += 1 }
            let message = broken.first.map { summary(of: $0.message) } ?? failure.map { String($0.prefix(200)) }
            entries.append(Entry(mutant: mutant, outcome: outcome, killedBy: broken.map(\.id), message: outcome == .survived ? nil : message,
                                 shouldCatch: shouldCatch(mutant), triage: nil, likelyEquivalent: false))
        }
        let silent = original.filter { $0.status == .passed && !failedSomewhere.contains($0.id) }.map(\.id)
        var report = AuditReport(rubric: rubric, reference: reference, generated: generated, entries: entries,
                                 checksThatKillNothing: silent, overall: Tally(), byContract: [:], byGroup: byGroup)
        report.tally()
        return report
    }

    /// A failure message in one line: its first two lines (`expected: …` / `got: …`, or the
    /// error and its detail), which is what points at the bug.
    public static func summary(of message: String) -> String {
        message.split(separator: "\n").prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " / ")
    }

    /// Recounts the tallies (after triage marked likely equivalents).
    public mutating func tally() {
        overall = Tally()
        byContract = [:]
        for entry in entries {
            for key in [nil, entry.mutant.contract] as [String?] {
                var tally = key.map { byContract[$0] ?? Tally() } ?? overall
                tally.mutants += 1
                switch entry.outcome {
                case .killed: tally.killed += 1
                case .survived: tally.survived += 1; if entry.likelyEquivalent { tally.likelyEquivalent += 1 }
                case .timedOut: tally.timedOut += 1
                case .doesNotCompile: tally.doesNotCompile += 1
                case .notGraded: tally.notGraded += 1
                }
                if let key { byContract[key] = tally } else { overall = tally }
            }
        }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    static func percent(_ tally: Tally) -> String { tally.score.map { String(format: "%.1f %%", 100 * $0) } ?? "–" }

    public func markdown() -> String {
        var lines = ["# Audit of \(rubric)", "",
                     "Mutants of `\(reference)` (one source edit each, in code the rubric's groups test), graded with the rubric: \(entries.count) of \(generated), spread evenly over the sites.", "",
                     "**Mutation score: \(Self.percent(overall))** (killed / (killed + survived − likely equivalent)): \(overall.killed) killed, \(overall.survived) survived (\(overall.likelyEquivalent) likely equivalent), counted apart: \(overall.timedOut) timed out, \(overall.doesNotCompile) do not compile\(overall.notGraded > 0 ? ", \(overall.notGraded) not graded (the grader failed on them: run the audit again)" : "").", "",
                     "| contract | mutants | killed | survived | likely equivalent | timed out | do not compile | score |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for (contract, tally) in byContract.sorted(by: { $0.key < $1.key }) {
            lines.append("| \(contract) | \(tally.mutants) | \(tally.killed) | \(tally.survived) | \(tally.likelyEquivalent) | \(tally.timedOut) | \(tally.doesNotCompile) | \(Self.percent(tally)) |")
        }
        lines += ["", "Mutants killed per group: " + byGroup.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".", ""]
        let survivors = entries.filter { $0.outcome == .survived }
        lines += ["## Survivors (\(survivors.count))", ""]
        if survivors.isEmpty { lines.append("None: every compiling mutant fails a check.") }
        for entry in survivors.sorted(by: { ($0.likelyEquivalent ? 1 : 0, $0.mutant.id) < ($1.likelyEquivalent ? 1 : 0, $1.mutant.id) }) {
            let mutant = entry.mutant
            lines += ["### \(mutant.id): \(mutant.kind) in \(mutant.function.isEmpty ? mutant.contract : mutant.function) (\(mutant.file):\(mutant.line))\(entry.likelyEquivalent ? " — likely equivalent" : "")", "",
                      "```diff", "- \(mutant.lineBefore)", "+ \(mutant.lineAfter)", "```", "",
                      "Should have been caught by: \(entry.shouldCatch.isEmpty ? "no group of this rubric tests \(mutant.contract)" : entry.shouldCatch.joined(separator: ", ")).",
                      "Triage: \(entry.triage ?? "not triaged").", ""]
        }
        lines += ["## Checks that kill no mutant (\(checksThatKillNothing.count))", ""]
        lines.append(checksThatKillNothing.isEmpty ? "None." : checksThatKillNothing.map { "`\($0)`" }.joined(separator: ", ") + ": each passes on the reference and on every mutant here (a larger `--limit` may reach the code they test).")
        lines += ["", "## Killed mutants and what a student with that bug reads", "",
                  "| mutant | site | edit | killed by | message |", "|---|---|---|---|---|"]
        for entry in entries where entry.outcome == .killed || entry.outcome == .timedOut {
            let mutant = entry.mutant
            let checks = entry.killedBy.prefix(3).joined(separator: ", ") + (entry.killedBy.count > 3 ? " +\(entry.killedBy.count - 3)" : "")
            lines.append("| \(mutant.id) | \(mutant.file):\(mutant.line) | `\(Self.cell(mutant.before))` → `\(Self.cell(mutant.after.isEmpty ? "(removed)" : mutant.after))` | \(checks) | \(Self.cell(entry.message ?? "")) |")
        }
        if !requirements.isEmpty {
            let unchecked = requirements.filter(\.checks.isEmpty)
            lines += ["", "## Requirements and the checks of this rubric that test them", "",
                      "| requirement | checks | accepted answers |", "|---|---|---|"]
            for row in requirements {
                lines.append("| \(Self.cell(row.text)) (`\(row.id)`) | \(row.checks.isEmpty ? "**none**" : row.checks.map { "`\($0)`" }.joined(separator: ", ")) | \(Self.cell(row.accepted ?? "")) |")
            }
            lines += ["", "Requirements no check of this rubric tests: \(unchecked.isEmpty ? "none" : unchecked.map { "`\($0.id)`" }.joined(separator: ", "))."]
        }
        let uncompiled = entries.filter { $0.outcome == .doesNotCompile }.map(\.mutant.id)
        lines += ["", "Do not compile (not counted): \(uncompiled.isEmpty ? "none" : uncompiled.joined(separator: ", "))."]
        return lines.joined(separator: "\n") + "\n"
    }

    static func cell(_ text: String) -> String {
        String(text.prefix(160)).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
    }
}
