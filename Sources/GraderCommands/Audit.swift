import ArgumentParser
import Audit
import Batch
import Checks
import Foundation
import GradingModel
import Intake
import PluginHost
import Rubric

extension GraderCommand {
    /// `grader audit`: how strong is a rubric? Mutation analysis with the reference as the program
    /// under mutation (issue 12).
    struct AuditCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Grade mutants of the reference with a rubric: which wrong solutions do its checks let through?",
            discussion: """
            Each mutant is the reference with one source edit (an operator swapped, a constant \
            changed, an assignment dropped, a sign flipped, max for min…) in code the rubric's \
            groups test. Every mutant is compiled and graded as a batch grades a student (sandboxed, \
            --jobs at a time, resumable: a second run grades only what changed), with tighter time \
            limits (3 s a check, 60 s a mutant). A mutant is killed when a check that passes on the \
            reference fails. Survivors are triaged: the differential probes for their contract run \
            with 32 cases on another seed; a survivor whose outputs still equal the reference's is \
            "likely equivalent" and not counted against the rubric.

            Writes OUT/audit.md (score per contract, every survivor with its diff and the groups \
            that should have caught it, checks that kill nothing, each killed mutant's message) and \
            OUT/audit.json. The same reference and rubric give the same mutants and the same report.

            Exit codes: 0 the audit is written; 1 it could not run, or the grader failed on some \
            mutants (the report is written without them; rerun to grade them); 64 bad arguments.
            """)

        @Option(help: "The rubric to audit: a file or a bundled rubric's name (\(Exercise.bundledRubrics)).")
        var rubric: String = "exercise2"

        @Option(help: "The reference solution's folder: the program under mutation.")
        var reference: String = "reference"

        @Option(help: ArgumentHelp("Mutants graded at a time (default: the number of cores).", valueName: "n"))
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "The folder for the report and the mutants' grades.")
        var out: String = "grader-audit"

        @Option(help: "At most this many mutants, spread evenly over all sites (the same ones every run).")
        var limit: Int = 100

        @Flag(help: "Print the chosen mutants (id, site, edit) and stop, grading nothing.")
        var list = false

        @Flag(name: .customLong("no-sandbox"), help: "Grade the mutants without bubblewrap (they are the reference's code, but may hang or crash).")
        var noSandbox = false

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit \(limit) must be at least 1") }
            guard (1...64).contains(jobs) else { throw ValidationError("--jobs \(jobs) must be between 1 and 64") }
            if ((try? SubmissionSources.collect(in: reference)) ?? []).isEmpty {
                throw ValidationError("--reference \(reference) has no Swift sources: give the reference solution's folder")
            }
            if let problem = OutputFolder.fileInTheWay(out, option: "--out") { throw problem }
        }

        func run() throws {
            Interruption.install(message: "interrupted: rerun the same command to go on (graded mutants are kept)")
            let started = Date()
            let executable = ExerciseKitLocation.executablePath()
            let rubricPath = Rubric.resolve(rubric, executable: executable)
            let loaded = try CheckCatalog.loadRubric(from: rubricPath)
            let out = URL(fileURLWithPath: self.out).standardizedFileURL.path
            let reference = URL(fileURLWithPath: self.reference).standardizedFileURL.path
            let groupNames = loaded.groups.map(\.name)

            // The mutants of the code this rubric tests.
            let all = try MutantGenerator.mutants(of: reference).filter { !ContractGroups.groups(for: $0.contract, in: groupNames).isEmpty }
            guard !all.isEmpty else {
                throw HarnessFailure("no code of \(self.reference) is tested by \(rubric)'s groups (\(groupNames.joined(separator: ", "))): give the reference and rubric of one exercise")
            }
            let chosen = MutantGenerator.sample(all, limit: limit)
            if list {
                for mutant in chosen {
                    print("\(mutant.id) \(mutant.file):\(mutant.line):\(mutant.column) [\(mutant.kind)] \(mutant.function): \(mutant.lineBefore)  →  \(mutant.lineAfter)")
                }
                return
            }
            if !noSandbox, let problem = Sandbox.noRegimeReason() { throw HarnessFailure(problem) }
            try OutputFolder.create(self.out, option: "--out")
            FileHandle.standardError.write(Data("\(chosen.count) of \(all.count) mutants of \(self.reference) in code \(URL(fileURLWithPath: rubricPath).lastPathComponent) tests\n".utf8))

            // Graded as a batch grades students, with the reference itself as `original`.
            let auditRubric = Self.tightened(loaded)
            let mutantsFolder = "\(out)/mutants"
            try write(chosen, of: reference, original: true, into: mutantsFolder)
            let rows = try grade(folder: mutantsFolder, rubric: auditRubric, name: "rubric.json", out: out, batch: "batch", reference: reference, executable: executable)
            guard let original = rows["original"], original.row.status == "graded" else {
                throw HarnessFailure("the reference itself could not be graded with \(rubric) (\(rows["original"]?.row.failure ?? rows["original"]?.row.status ?? "no result")): fix that first")
            }
            var report = AuditReport.make(
                rubric: URL(fileURLWithPath: rubricPath).lastPathComponent, reference: self.reference, generated: all.count,
                original: original.results,
                mutants: chosen.map { mutant in
                    let graded = rows[mutant.id]
                    return (mutant, graded?.row.status ?? "error", graded?.row.failure, graded?.results ?? [])
                },
                shouldCatch: { ContractGroups.groups(for: $0.contract, in: groupNames) })
            report.requirements = AuditReport.requirementRows(Exercise.all.map(\.requirements), rubricGroups: groupNames)
            try triage(&report, rubric: loaded, reference: reference, out: out, executable: executable)
            try OutputFolder.write(report.markdown(), to: "\(out)/audit.md", option: "--out")
            try OutputFolder.write(try report.json(), to: "\(out)/audit.json", option: "--out")
            print(Self.summary(report, seconds: Date().timeIntervalSince(started), out: self.out))
            let failed = report.entries.filter { $0.outcome == .notGraded }.map(\.mutant.id)
            if !failed.isEmpty {
                throw HarnessFailure("\(failed.count) mutant(s) could not be graded because of the grader (\(failed.joined(separator: ", "))): run the same command again to grade them")
            }
        }

        /// The rubric with an audit's time limits: 3 s a check, 60 s a mutant (a mutated loop
        /// bound must not cost the rubric's full budget).
        static func tightened(_ rubric: Rubric) -> Rubric {
            var tightened = rubric
            tightened.limits.checkTimeoutSeconds = min(rubric.limits.checkTimeoutSeconds, 3)
            tightened.limits.submissionSeconds = min(rubric.limits.submissionBudgetSeconds, 60)
            return tightened
        }

        /// The report's headline and its survivors, one line each.
        static func summary(_ report: AuditReport, seconds: Double, out: String) -> String {
            let tally = report.overall
            var lines = [String(format: "mutation score %@: %d killed, %d survived (%d likely equivalent); apart: %d timed out, %d do not compile (%.0f s)",
                                tally.score.map { String(format: "%.1f %%", 100 * $0) } ?? "–", tally.killed, tally.survived, tally.likelyEquivalent,
                                tally.timedOut, tally.doesNotCompile, seconds)]
            for entry in report.entries where entry.outcome == .survived {
                lines.append("  survived \(entry.mutant.id) \(entry.mutant.file):\(entry.mutant.line) \(entry.mutant.before) → \(entry.mutant.after.isEmpty ? "(removed)" : entry.mutant.after)"
                             + (entry.likelyEquivalent ? " (likely equivalent)" : ""))
            }
            lines.append("Report: \(out)/audit.md, \(out)/audit.json")
            return lines.joined(separator: "\n")
        }

        /// Writes each mutant as a submission folder (and the reference as `original`); folders of
        /// an earlier, larger run that are not in this one are removed.
        func write(_ mutants: [Mutant], of reference: String, original: Bool, into folder: String) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let wanted = Set(mutants.map(\.id) + (original ? ["original"] : []))
            for stale in try FileManager.default.contentsOfDirectory(atPath: folder) where !wanted.contains(stale) {
                try FileManager.default.removeItem(atPath: "\(folder)/\(stale)")
            }
            if original { try MutantGenerator.copySources(of: reference, to: "\(folder)/original") }
            for mutant in mutants { try MutantGenerator.write(mutant, of: reference, to: "\(folder)/\(mutant.id)") }
        }

        struct Graded {
            let row: BatchStore.Submission
            let results: [CheckResult]
        }

        /// Grades every folder in `folder` with `rubric` as a batch does; returns each one's row and results.
        func grade(folder: String, rubric: Rubric, name: String, out: String, batch: String, reference: String,
                   executable: String) throws -> [String: Graded] {
            let rubricFile = "\(out)/\(name)"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try OutputFolder.write(String(decoding: try encoder.encode(rubric), as: UTF8.self) + "\n", to: rubricFile, option: "--out")
            var options = BatchRunner.Options(directory: folder, rubricPath: rubricFile, out: "\(out)/\(batch)", jobs: jobs,
                                              referencePath: reference, regrade: false, sandboxed: !noSandbox, executable: executable)
            options.diagnoseFailures = false
            let runner = try BatchRunner(options: options)
            if let problem = runner.sandboxProblem() ?? runner.referenceProblem() { throw HarnessFailure(problem) }
            let entries = try runner.entries()
            let pending = try runner.pending(entries)
            let progress = BatchProgress(total: pending.count, skipped: entries.count - pending.count, noun: "mutants")
            progress.start()
            try runner.run(pending, report: { row in progress.finished(row) }, retried: { id in progress.retrying(id) })
            progress.done()
            var graded: [String: Graded] = [:]
            for row in try runner.store.submissions() where entries.contains(where: { $0.id == row.id }) {
                graded[row.id] = Graded(row: row, results: try runner.store.results(of: row.id))
            }
            return graded
        }

        /// Runs the differential probes that cover each survivor's contract with more cases on
        /// another seed: a survivor they tell apart is a real gap of the rubric; one they cannot is
        /// likely equivalent.
        func triage(_ report: inout AuditReport, rubric: Rubric, reference: String, out: String, executable: String) throws {
            let survivors = report.entries.filter { $0.outcome == .survived }.map(\.mutant)
            let probes = Set(survivors.flatMap { ContractGroups.allGroups(for: $0.contract) }).intersection(CheckCatalog.differentialGroups).sorted()
            for index in report.entries.indices where report.entries[index].outcome == .survived
                && Set(ContractGroups.allGroups(for: report.entries[index].mutant.contract)).isDisjoint(with: probes) {
                report.entries[index].triage = "not triaged: no differential probe covers \(report.entries[index].mutant.contract)"
            }
            let triaged = survivors.filter { !Set(ContractGroups.allGroups(for: $0.contract)).isDisjoint(with: probes) }
            guard !triaged.isEmpty else { return }
            var triageRubric = Self.tightened(rubric)
            triageRubric.title = "equivalence triage of \(rubric.title)"
            triageRubric.seed = rubric.seed &+ 7919
            triageRubric.groups = probes.map { name in
                var group = Rubric.Group(name: name, percent: 1)
                group.differential = true
                group.parameters = ["cases": 32]
                return group
            }
            triageRubric.totalPercent = Double(probes.count)
            triageRubric.publicRubric = nil
            try write(triaged, of: reference, original: false, into: "\(out)/triage")
            FileHandle.standardError.write(Data("triage: \(triaged.count) survivors against \(probes.joined(separator: ", ")) with 32 cases on another seed\n".utf8))
            let rows = try grade(folder: "\(out)/triage", rubric: triageRubric, name: "triage-rubric.json", out: out, batch: "triage-batch",
                                 reference: reference, executable: executable)
            for index in report.entries.indices where report.entries[index].outcome == .survived {
                let mutant = report.entries[index].mutant
                guard let graded = rows[mutant.id] else { continue }
                let covering = Set(ContractGroups.allGroups(for: mutant.contract)).intersection(probes)
                let results = graded.results.filter { covering.contains($0.group) }
                if let apart = results.first(where: { $0.status != .passed }) {
                    let got = apart.message.split(separator: "\n").first { $0.hasPrefix("got:") }.map(String.init) ?? AuditReport.summary(of: apart.message)
                    report.entries[index].triage = "not equivalent: \(apart.id) with 32 cases tells it apart (\(got.prefix(300))); the rubric misses it"
                } else if !results.isEmpty {
                    report.entries[index].triage = "likely equivalent: \(covering.sorted().joined(separator: ", ")) with 32 cases on another seed give the reference's outputs"
                    report.entries[index].likelyEquivalent = true
                } else {
                    report.entries[index].triage = "not triaged: the probe did not run (\(graded.row.failure ?? graded.row.status))"
                }
            }
            report.tally()
        }
    }
}
