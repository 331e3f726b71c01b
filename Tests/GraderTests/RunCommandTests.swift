import Foundation
import Testing

/// The `grader run` command as a student and a TA call it.
@Suite(.serialized) struct RunCommandTests {
    @Test func jsonOutputIsGradescopeResults() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "--bonus", "--format", "json", "reference"])
        #expect(code == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["max_score"] as? Double == 100)
        let tests = try #require(json["tests"] as? [[String: Any]])
        let optimizers = try #require(tests.first { $0["name"] as? String == "TestOptimizers2" })
        #expect(optimizers["score"] as? Double == 8)
        #expect(optimizers["status"] as? String == "passed")
        for test in tests {
            for key in ["name", "score", "max_score", "status", "output", "visibility"] {
                #expect(test[key] != nil, "test entry lacks \(key)")
            }
        }
    }

    @Test func bonusTableShowsSkeletonFailing() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "--bonus", "submissions/skeleton"])
        #expect(code == 0, "a failing submission is still a completed run")
        #expect(output.contains("| 0     | TestOptimizers2     | FAIL     | 0 / 8 (%)"))
        #expect(output.contains("| Ex2   | Total Achieved      |          | 0 / 100 (%)"))
        #expect(output.contains("reproduce: grader run --group TestOptimizers2 --check adam submissions/skeleton"))
    }

    @Test func aMissingPathIsAUsageError() throws {
        let (code, _, error) = try TestSupport.runGrader(["run", "/no/such/folder"])
        #expect(code == 64)
        #expect(error.contains("PATH '/no/such/folder' does not exist"))
    }

    @Test func anUnknownGroupIsAUsageError() throws {
        let (code, _, error) = try TestSupport.runGrader(["run", "--group", "TestNothing", "reference"])
        #expect(code == 64)
        #expect(error.contains("--group 'TestNothing' is not a test group"))
    }

    @Test func aCompileErrorIsReportedNotCrashed() throws {
        let (code, output, _) = try TestSupport.runGrader(["run", "submissions/compile-error"])
        #expect(code == 2, "not gradable has its own exit code")
        #expect(output.contains("NOT GRADED: the submission does not compile"))
    }
}
