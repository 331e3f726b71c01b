import Audit
import Checks
import ExerciseKit
import Foundation
import Testing

/// Issue 12: `grader audit`, mutation analysis of a rubric with the reference under mutation.
@Suite struct AuditTests {
    static let sample = """
        /// A doc comment: x + y must not be mutated, nor "a - b" in a string.
        final class Sgd {
            let rate = 0.5
            func step(_ w: Double, _ g: Double) -> Double {
                var total = w
                total -= rate * g  // not + here either
                for i in 0..<3 where i > 0 { total += 1e-8 }
                return max(total, -w)
            }
        }

        """

    @Test func operatorsEditCodeOnlyOneSiteAtATime() throws {
        let mutants = MutantGenerator.mutants(in: Self.sample, file: "Sources/Submission/S.swift")
        let edits = Set(mutants.map { "\($0.kind): \($0.before) → \($0.after)" })
        for expected in ["compound assignment: -= → =", "compound assignment: -= → +=", "arithmetic: * → /", "range bound: ..< → ...",
                         "comparison: > → >=", "constant: 1e-8 → 0", "constant: 0.5 → 1.0", "max/min: max( → min(", "sign flip: - → ",
                         "drop statement: total -= rate * g → "] {
            #expect(edits.contains(expected), "\(expected) is missing from \(edits.sorted())")
        }
        // Comments and strings are not code.
        #expect(!mutants.contains { $0.line == 1 }, "\(mutants.filter { $0.line == 1 })")
        #expect(!mutants.contains { $0.kind == "arithmetic" && $0.line == 6 && $0.before == "+" })
        // Each mutant knows its contract and function, and its line before and after.
        let assignment = try #require(mutants.first { $0.kind == "compound assignment" && $0.after == "=" })
        #expect(assignment.contract == "Sgd")
        #expect(assignment.function == "Sgd.step")
        #expect(assignment.lineAfter == "total = rate * g  // not + here either")
        // The same sources give the same list.
        #expect(MutantGenerator.mutants(in: Self.sample, file: "Sources/Submission/S.swift") == mutants)
        #expect(MutantGenerator.sample(mutants, limit: 3).count == 3 && MutantGenerator.sample(mutants, limit: 3) == MutantGenerator.sample(mutants, limit: 3))
    }

    @Test func everyMutantOfTheReferenceIsAOneSiteEdit() throws {
        let all = try MutantGenerator.mutants(of: TestSupport.repository + "/reference")
        #expect(all.count > 300, "\(all.count)")
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(!all.contains { $0.file.hasSuffix("Registration.swift") })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mutant-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mutant = try #require(all.first { $0.contract == "Adam" && $0.kind == "arithmetic" })
        try MutantGenerator.write(mutant, of: TestSupport.repository + "/reference", to: folder)
        let original = try String(contentsOfFile: TestSupport.repository + "/reference/" + mutant.file, encoding: .utf8).components(separatedBy: "\n")
        let edited = try String(contentsOfFile: folder + "/" + mutant.file, encoding: .utf8).components(separatedBy: "\n")
        let changed = zip(original, edited).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(changed.count == 1 && changed.first?.offset == mutant.line - 1, "\(changed)")
        #expect(edited[mutant.line - 1].trimmingCharacters(in: .whitespaces) == mutant.lineAfter)
        // Every contract of the reference is one the table knows (else "should have caught" is empty).
        #expect(Set(all.map(\.contract)).filter { ContractGroups.allGroups(for: $0).isEmpty }.isEmpty, "\(Set(all.map(\.contract)))")
    }

    /// Every requirement names checks that exist; each rubric lists the requirements it leaves unchecked.
    @Test func requirementsNameRealChecks() throws {
        for requirement in Exercise.all.flatMap(\.requirements) {
            #expect(!requirement.checks.isEmpty, "\(requirement.id)")
            for check in requirement.checks { #expect(CheckCatalog.check(id: check) != nil, "\(requirement.id): \(check) is not a check") }
        }
        let publicRows = AuditReport.requirementRows(Exercise.all.map(\.requirements), rubricGroups: ["TestOptimizers2", "TestInitializers", "TestConv"])
        #expect(publicRows.count == 26 && !publicRows.contains { $0.id.hasPrefix("hw5") })
        #expect(publicRows.first { $0.id == "init.constant" }?.checks == [], "only hidden probes and TestNeuralNetwork2 test Constant")
        #expect(publicRows.first { $0.id == "opt.adam" }?.checks == ["TestOptimizers2.adam"])
        // Issue 28: the modular exercise has its rows, and its public rubric tests every one.
        let modular = try CheckCatalog.loadRubric(from: TestSupport.repository + "/rubric/modular.json")
        let modularRows = AuditReport.requirementRows(Exercise.all.map(\.requirements), rubricGroups: modular.groups.map(\.name))
        #expect(modularRows.count == Exercise.modular.requirements.count && modularRows.allSatisfy { $0.id.hasPrefix("mod.") && !$0.checks.isEmpty }, "\(modularRows.map(\.id))")
    }

    /// Issue 12, point 5: a killed mutant's message names its own contract. A Constant that does
    /// not fill was reported as appendLayer's bug; a batch-mean loss was told to look at ε.
    @Test(arguments: [
        ("Initializers.swift", "Tensor(repeating: value, shape: weightsShape)", "Tensor(zeros: weightsShape)",
         "TestNeuralNetwork2.appendLayer", "fix Constant"),
        ("Loss.swift", "        return loss\n", "        return loss / Double(predictionTensor.shape[0])\n",
         "TestCrossEntropyLoss.highLoss", "your loss is the batch mean"),
    ])
    func hintsNameTheContractThatIsWrong(file: String, find: String, replace: String, check: String, words: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hint-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: folder)
        let path = try TestSupport.sourceFile(named: file, in: folder + "/Sources/Submission")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.components(separatedBy: find).count == 2, "\(find) occurs once in \(file)")
        try text.replacingOccurrences(of: find, with: replace).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try TestSupport.supervisor(atPath: folder).run(check: check, seed: 1337)
        #expect(result.status == .failed && result.message.contains(words), "\(result.message)")
    }

    /// Issue 12, point 4: where the exercise leaves a choice, every accepted answer passes. Tied
    /// maxima in pooling: routing to the last maximum of a window instead of the first passes
    /// every pooling check (the requirement `pool.routing` says any one position is accepted).
    @Test func aCorrectChoiceTheExerciseLeavesOpenPasses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("variant-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try GraderSourcesCopy.copyFolder(TestSupport.repository + "/reference", to: folder)
        let path = folder + "/Sources/Submission/Exercise2/Pooling.swift"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.components(separatedBy: "if x[index] > x[best] { best = index }").count == 2)
        try text.replacingOccurrences(of: "if x[index] > x[best] { best = index }", with: "if x[index] >= x[best] { best = index }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let supervisor = try TestSupport.supervisor(atPath: folder)
        for check in CheckCatalog.group(named: "TestPooling")!.checks {
            let result = try supervisor.run(check: "TestPooling.\(check.name)", seed: 1337)
            #expect(result.status == .passed, "\(check.name): \(result.message)")
        }
        #expect(Exercise.exercise2.requirements.first { $0.id == "pool.routing" }?.accepted?.contains("any one position") == true)
    }

    /// The oracle of hw5's loss is log-sum-exp: for x = (800, 0, 1), class 1, the loss is 800
    /// (a log of the underflowed probability gives +inf, 0·log 0 gives NaN).
    @Test func theLossOracleHoldsWhereACorrectStudentDoes() {
        let loss = FunctionalOracle.crossEntropy(Tensor(shape: [3, 1], scalars: [800, 0, 1]), Tensor(shape: [3, 1], scalars: [0, 1, 0]))
        #expect(abs(loss - 800) < 1e-9, "\(loss)")
    }

    /// End to end on a small rubric: mutants graded, a report with survivors' diffs, triage, and
    /// the same report again from a fresh folder.
    @Test func aSmallAuditReportsAndIsReproducible() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let rubric = base + "/optimizers.json"
        try """
            {"exercise": "Ex2", "title": "optimizers", "examPercentage": 1, "seed": 1337, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "totalPercent": 20, "groups": [{"name": "TestOptimizers2", "percent": 10}, {"name": "HiddenOptimizers", "percent": 10, "differential": true}],
             "limits": {"checkTimeoutSeconds": 10, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 900}}
            """.write(toFile: rubric, atomically: true, encoding: .utf8)
        var reports: [String] = []
        for run in ["first", "second"] {
            let arguments = ["audit", "--rubric", rubric, "--reference", TestSupport.repository + "/reference", "--limit", "6", "--jobs", "2",
                             "--out", "\(base)/\(run)"] + (getuid() == 0 && !TestSupport.sandboxReachable ? ["--no-sandbox"] : [])
            let audit = try TestSupport.runGrader(arguments)
            #expect(audit.code == 0, "\(audit.error)")
            #expect(audit.output.contains("mutation score"), "\(audit.output)")
            reports.append(try String(contentsOfFile: "\(base)/\(run)/audit.md", encoding: .utf8))
        }
        #expect(reports[0] == reports[1], "the same reference and rubric give the same report")
        let json = try JSONDecoder().decode(AuditReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(base)/first/audit.json")))
        #expect(json.entries.count == 6 && json.entries.allSatisfy { ["Sgd", "SgdWithMomentum", "Adam"].contains($0.mutant.contract) })
        #expect(json.overall.killed >= 1, "the optimizer checks kill some of these mutants: \(reports[0])")
        #expect(json.entries.allSatisfy { $0.shouldCatch == ["TestOptimizers2", "HiddenOptimizers"] })
        for survivor in json.entries where survivor.outcome == .survived {
            #expect(reports[0].contains("- \(survivor.mutant.lineBefore)") && survivor.triage != nil, "\(survivor)")
        }
        for killed in json.entries where killed.outcome == .killed {
            #expect(killed.message?.isEmpty == false && !killed.killedBy.isEmpty, "\(killed)")
        }
    }
}
