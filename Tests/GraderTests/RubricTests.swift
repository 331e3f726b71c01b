import Foundation
import Rubric
import Testing

@Suite struct RubricTests {
    @Test func defaultRubricHasTheExerciseTable() throws {
        let rubric = try TestSupport.defaultRubric()
        let scored = rubric.groups.filter { !$0.isDiagnostic }
        #expect(scored.map(\.name) == ["TestOptimizers2", "TestInitializers", "TestFlatten", "TestConv",
                                       "TestPooling", "TestFullyConnected2", "TestNeuralNetwork2"])
        #expect(scored.map(\.percent) == [8, 5, 2, 45, 15, 2, 23])
        #expect(rubric.groups.filter(\.isDiagnostic).map(\.name) == ["TestReLU", "TestSoftMax", "TestCrossEntropyLoss", "SoftConvTests"])
        #expect(rubric.examPercentage == 3)
    }

    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rubric-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func dataDirectoryResolvesBesideTheRubric() throws {
        let rubric = try TestSupport.defaultRubric()
        #expect(rubric.dataDirectory == TestSupport.repository + "/rubric/data")
    }

    @Test func aDiagnosticGroupCannotCarryPoints() throws {
        let path = try write("""
            {"exercise": "Ex2", "title": "t", "examPercentage": 3, "seed": 1,
             "groups": [{"name": "TestReLU", "percent": 5, "diagnostic": true}],
             "limits": {"checkTimeoutSeconds": 1, "compileTimeoutSeconds": 1, "memoryMiB": 1024, "cpuSeconds": 1}}
            """)
        #expect(throws: RubricError.invalid(path: path, reason: "diagnostic group 'TestReLU' must have percent 0")) {
            try Rubric.load(from: path)
        }
    }

    @Test func missingKeyIsNamed() throws {
        let path = try write(#"{"exercise": "Ex2", "title": "t", "examPercentage": 3, "seed": 1, "groups": []}"#)
        #expect(throws: RubricError.invalid(path: path, reason: "missing key 'limits'")) { try Rubric.load(from: path) }
    }

    @Test func duplicateGroupIsRejected() throws {
        let path = try write("""
            {"exercise": "Ex2", "title": "t", "examPercentage": 3, "seed": 1,
             "groups": [{"name": "TestFlatten", "percent": 2}, {"name": "TestFlatten", "percent": 2}],
             "limits": {"checkTimeoutSeconds": 1, "compileTimeoutSeconds": 1, "memoryMiB": 1024, "cpuSeconds": 1}}
            """)
        #expect(throws: RubricError.invalid(path: path, reason: "group 'TestFlatten' appears twice")) {
            try Rubric.load(from: path)
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: RubricError.unreadable(path: "/nonexistent.json", reason: "no such file or not readable")) {
            try Rubric.load(from: "/nonexistent.json")
        }
    }
}
