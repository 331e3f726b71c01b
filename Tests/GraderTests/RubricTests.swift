import Foundation
import Checks
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

    /// A rubric with `groups` and extra top-level keys spliced in, otherwise valid.
    func rubric(groups: String, extra: String = "") throws -> String {
        try write("""
            {"exercise": "Ex2", "title": "t", "examPercentage": 3, "seed": 1, "dataDirectory": "\(TestSupport.repository)/rubric/data", \(extra)
             "groups": \(groups),
             "limits": {"checkTimeoutSeconds": 1, "compileTimeoutSeconds": 1, "memoryMiB": 1024, "cpuSeconds": 1}}
            """)
    }

    /// The reason a rubric is refused, or nil when it loads.
    func refusal(_ path: String) -> String? {
        do {
            _ = try CheckCatalog.loadRubric(from: path)
            return nil
        } catch let RubricError.invalid(_, reason) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    /// Each rubric mistake a TA made in the issue, refused with the key and the fix instead of
    /// silently changing every student's grade.
    @Test func rubricMistakesThatWouldChangeGradesAreRefused() throws {
        let cases: [(groups: String, extra: String, reason: String)] = [
            (#"[{"name": "TestOptimisers2", "percent": 100}]"#, "", "groups[0].name 'TestOptimisers2' is not a check group of Ex2 (did you mean 'TestOptimizers2'?)"),
            (#"[{"name": "TestFlatten", "percent": 100, "checks": ["trainable", "flattenFowrard"]}]"#, "", "groups[0].checks: 'flattenFowrard' is not a check of TestFlatten (did you mean 'flattenForward'?)"),
            (#"[{"name": "TestConv", "percent": 145}, {"name": "TestPooling", "percent": 100}]"#, "", "percentages add up to 245, not 100"),
            (#"[{"name": "TestConv", "percent": 100}]"#, #""totalPercent": 120,"#, "add up to 100, not 120"),
            (#"[{"name": "TestConv", "percent": 100}]"#, #""examPercentage": -3,"#, "'examPercentage' is -3"),
            (#"[{"name": "TestConv", "percent": 100}]"#, #""intake": {"maxEntries": -1},"#, "intake.maxEntries is -1: it must be at least 1"),
            ("[]", "", "'groups' is empty"),
            (#"[{"name": "TestConv", "percent": 100}]"#, #""seed": -1,"#, "'seed' must be a whole number from 0 to 4294967295"),
            (#"[{"name": "TestConv", "percent": 90}, {"name": "HiddenConv", "percent": 10}]"#, "", "is a hidden probe: set \"differential\": true"),
            (#"[{"name": "TestConv", "percent": 100, "parameters": {"cases": -2}}]"#, "", "parameters.cases is -2.0"),
            (#"[{"name": "trainMLP", "percent": 100, "parameters": {"threshold": 85}}]"#, "", "a fraction from 0 to 1"),
        ]
        for item in cases {
            // A duplicate key would be ambiguous JSON: the test's `extra` replaces the default.
            var text = try String(contentsOfFile: try rubric(groups: item.groups), encoding: .utf8)
            for key in ["examPercentage", "seed"] where item.extra.contains("\"\(key)\"") {
                text = text.replacingOccurrences(of: key == "seed" ? #""seed": 1,"# : #""examPercentage": 3,"#, with: "")
            }
            text = text.replacingOccurrences(of: #""dataDirectory""#, with: item.extra + #" "dataDirectory""#)
            let path = try write(text)
            let reason = refusal(path)
            #expect(reason?.contains(item.reason) == true, "\(item.groups) \(item.extra): \(reason ?? "accepted")")
        }
        // The shipped rubrics are all valid.
        for name in ["exercise2", "hw5", "course-hidden", "hw5-hidden", "modular", "modular-hidden"] {
            #expect(refusal(TestSupport.repository + "/rubric/\(name).json") == nil, "\(name)")
        }
    }

    @Test func aRubricCopiedAwayFromItsDataIsRefusedWithTheFix() throws {
        let text = try String(contentsOfFile: TestSupport.repository + "/rubric/exercise2.json", encoding: .utf8)
        let path = try write(text)
        #expect(refusal(path)?.contains("set \"dataDirectory\" in the rubric") == true, "\(refusal(path) ?? "accepted")")
    }

    @Test func rubricCheckPrintsTheTableAndFindsBundledRubricsByName() throws {
        let bundled = try TestSupport.runGrader(["rubric", "check", "course-hidden"])
        #expect(bundled.code == 0, "\(bundled.error)")
        #expect(bundled.output.contains("| HiddenConv | 6 | hidden, compared with the reference | all 2 | cases 8 |"), "\(bundled.output)")
        #expect(bundled.output.contains("total: 120 % = 3.6 exam points"))
        let typo = try rubric(groups: #"[{"name": "TestOptimisers2", "percent": 8}, {"name": "TestConv", "percent": 93}]"#)
        let refused = try TestSupport.runGrader(["rubric", "check", typo])
        #expect(refused.code == 1 && refused.error.contains("did you mean 'TestOptimizers2'?") && refused.error.contains("add up to 101"),
                "\(refused.error)")
    }

    /// Issue 10: students run the public rubric, so a hidden rubric with its seed would give away
    /// every input of the hidden checks. The bundled hidden rubric has a seed of its own.
    @Test func aHiddenRubricWithThePublicSeedIsRefused() throws {
        let publicSeed = try Rubric.load(from: TestSupport.repository + "/rubric/exercise2.json").seed
        let hidden = try Rubric.load(from: TestSupport.repository + "/rubric/course-hidden.json")
        #expect(hidden.seed != publicSeed)
        let sameSeed = try rubric(groups: #"[{"name": "HiddenConv", "percent": 100, "differential": true, "visibility": "hidden"}]"#,
                                  extra: #""publicRubric": "exercise2","#)
        var text = try String(contentsOfFile: sameSeed, encoding: .utf8)
        text = text.replacingOccurrences(of: #""seed": 1,"#, with: #""seed": \#(publicSeed),"#)
        try text.write(toFile: sameSeed, atomically: true, encoding: .utf8)
        let refused = try TestSupport.runGrader(["rubric", "check", sameSeed])
        #expect(refused.code == 1 && refused.error.contains("the same as the public rubric exercise2's"), "\(refused.error)")
        let gradescope = try TestSupport.runGrader(["gradescope", "--rubric", sameSeed, "--reference", "reference", "--out", sameSeed + ".zip"])
        #expect(gradescope.code == 64 && gradescope.error.contains("choose another seed"), "\(gradescope.error)")
        #expect(!FileManager.default.fileExists(atPath: sameSeed + ".zip"))
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: RubricError.unreadable(path: "/nonexistent.json", reason: "no such file or not readable")) {
            try Rubric.load(from: "/nonexistent.json")
        }
    }
}
