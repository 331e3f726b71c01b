import GradingModel
import Reports
import Rubric
import Scoring
import Testing

@Suite struct BonusTableTests {
    /// The spec's example (§1.10), rendered by tabulate 0.10.0 with TestConv failing.
    static let specExample = """
        =========================== Statistics ===============================
        | Pos   | Test                | Result   | Percent in Exercise   | Percent in Exam   |
        |-------|---------------------|----------|-----------------------|-------------------|
        | 0     | TestOptimizers2     | OK       | 8 / 8 (%)             | 0.240 / 10 (%)    |
        | 1     | TestInitializers    | OK       | 5 / 5 (%)             | 0.150 / 10 (%)    |
        | 2     | TestFlatten         | OK       | 2 / 2 (%)             | 0.060 / 10 (%)    |
        | 3     | TestConv            | FAIL     | 0 / 45 (%)            | 1.350 / 10 (%)    |
        | 4     | TestPooling         | OK       | 15 / 15 (%)           | 0.450 / 10 (%)    |
        | 5     | TestFullyConnected2 | OK       | 2 / 2 (%)             | 0.060 / 10 (%)    |
        | 6     | TestNeuralNetwork2  | OK       | 23 / 23 (%)           | 0.690 / 10 (%)    |
        |       |                     |          |                       |                   |
        | Ex2   | Total Achieved      |          | 55 / 100 (%)          | 1.650 / 10 (%)    |
        """

    static func report(failing failed: Set<String>, rubric: Rubric) -> SubmissionReport {
        SubmissionReport(submission: "sample", results: rubric.groups.map { group in
            CheckResult(group: group.name, name: "only", status: failed.contains(group.name) ? .failed : .passed)
        })
    }

    @Test func rendersTheSpecExampleExactly() throws {
        let rubric = try TestSupport.defaultRubric()
        let sheet = Scorer.score(Self.report(failing: ["TestConv"], rubric: rubric), rubric: rubric,
                                 implementedGroups: Set(rubric.groups.map(\.name)))
        #expect(sheet.total == 55)
        #expect(BonusTable.render(sheet) == Self.specExample)
    }

    @Test func groupsAreAllOrNothing() throws {
        let rubric = try TestSupport.defaultRubric()
        var report = Self.report(failing: [], rubric: rubric)
        report.results.append(CheckResult(group: "TestPooling", name: "second", status: .errored, message: "crashed"))
        let sheet = Scorer.score(report, rubric: rubric, implementedGroups: Set(rubric.groups.map(\.name)))
        #expect(sheet.total == 85)
        #expect(abs(sheet.examTotal - 2.55) < 1e-12)
        #expect(sheet.groups.first { $0.name == "TestPooling" }?.earned == 0)
    }

    @Test func groupsTheHarnessLacksFailWithANote() throws {
        let rubric = try TestSupport.defaultRubric()
        let sheet = Scorer.score(Self.report(failing: [], rubric: rubric), rubric: rubric,
                                 implementedGroups: ["TestFlatten"])
        #expect(sheet.total == 2)
        #expect(sheet.groups.first { $0.name == "TestConv" }?.note == "not implemented by the harness yet")
    }

    @Test func anUngradableSubmissionScoresZero() throws {
        let rubric = try TestSupport.defaultRubric()
        let report = SubmissionReport(submission: "broken", failure: "the submission does not compile")
        let sheet = Scorer.score(report, rubric: rubric, implementedGroups: Set(rubric.groups.map(\.name)))
        #expect(sheet.total == 0)
        #expect(sheet.groups.allSatisfy { $0.note?.hasPrefix("not graded") == true })
    }
}
