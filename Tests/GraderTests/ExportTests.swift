import Foundation
import Reports
import Testing

/// Issue 10, item 4: a batch's grades into Canvas, Moodle or a plain CSV, matched to a roster by
/// the ids LMS and Gradescope downloads give submissions.
@Suite struct ExportTests {
    @Test func csvIsReadAsSpreadsheetsWriteIt() throws {
        let table = try CSVTable.parse("\u{FEFF}Student,ID,Note\r\n\"Smith, Ann\",101,\"said \"\"hi\"\"\nthen left\"\r\n\r\nBo,102\n")
        #expect(table.header == ["Student", "ID", "Note"])
        #expect(table.rows == [["Smith, Ann", "101", "said \"hi\"\nthen left"], ["Bo", "102", ""]])
        #expect(throws: CSVTable.ParseError.unterminatedQuote(line: 2)) { try CSVTable.parse("a,b\n\"open,1\n2,3\n") }
        #expect(throws: CSVTable.ParseError.empty) { try CSVTable.parse("\n\n") }
        // Written back: quoted where needed, and a spreadsheet formula is defused.
        #expect(CSVTable.quote("Smith, Ann") == "\"Smith, Ann\"" && CSVTable.quote("=HYPERLINK(1)") == "'=HYPERLINK(1)" && CSVTable.quote("-3.5") == "-3.5")
        #expect(try CSVTable.parse(table.text) == table)
    }

    static let gradebook = """
        id,status,total,maximum,TestOptimizers2,reason
        smith_101_9001_submission,graded,120,120,8,
        jones_LATE_102_9002_submission,graded,18,120,8,
        submission_5551,graded,60,120,8,
        lee@uni.example,compile error,0,120,0,does not compile: Optimizers.swift:3
        stranger,graded,100,120,8,

        """

    static let canvasRoster = """
        Student,ID,SIS User ID,SIS Login ID,Section,Exercise 2 (123)
            Points Possible,,,,,120
        "Smith, Ann",101,S101,asmith,A,
        "Jones, Bo",102,S102,bjones,A,
        "Lee, Cy",103,S103,lee@uni.example,B,
        "Park, Di",104,S104,dpark,B,

        """

    @Test func idsFromCanvasAndGradescopeDownloadsFindTheirStudents() throws {
        let grades = try GradeExport.grades(fromGradebook: CSVTable.parse(Self.gradebook))
        let roster = GradeExport.roster(try CSVTable.parse(Self.canvasRoster))
        #expect(roster.rows.count == 4, "Canvas's Points Possible row is no student")
        let matching = try GradeExport.match(grades, roster: roster)
        #expect(matching.byRow.mapValues(\.id) == [0: "smith_101_9001_submission", 1: "jones_LATE_102_9002_submission", 2: "lee@uni.example"])
        // Gradescope's number needs a Submission ID column; a Canvas roster has none.
        #expect(matching.unmatched.map(\.id) == ["submission_5551", "stranger"])

        let gradescopeRoster = try CSVTable.parse("First Name,Last Name,SID,Email,Submission ID\nAnn,Smith,101,ann@x,5551\nBo,Jones,102,bo@x,\n")
        let gradescope = try GradeExport.match(grades, roster: gradescopeRoster)
        #expect(gradescope.byRow[0]?.id == "submission_5551", "submission_<n> is the Submission ID, never the SID: \(gradescope)")
        #expect(gradescope.byRow[1] == nil, "a Canvas user id is matched only to an ID column")
    }

    @Test func aRosterThatCannotDecideIsRefusedWithTheRows() throws {
        let grades = try GradeExport.grades(fromGradebook: CSVTable.parse(Self.gradebook))
        #expect(throws: GradeExport.Failure.ambiguousStudent(id: "lee@uni.example", rows: [2, 3])) {
            try GradeExport.match(grades, roster: CSVTable.parse("Name,Email\nCy,lee@uni.example\nCy again,LEE@uni.example\n"))
        }
        let twice = try GradeExport.grades(fromGradebook: CSVTable.parse("id,status,total,maximum,reason\nsmith_101_1_a,graded,1,2,\nsmith_101_2_b,graded,2,2,\n"))
        #expect(throws: GradeExport.Failure.twoSubmissions(student: "Smith, Ann (roster line 2)", ids: ["smith_101_1_a", "smith_101_2_b"])) {
            try GradeExport.match(twice, roster: CSVTable.parse("Student,ID\n\"Smith, Ann\",101\n"))
        }
        #expect(throws: GradeExport.Failure.noIdentifierColumn(header: ["Name", "Section"])) {
            try GradeExport.match(grades, roster: CSVTable.parse("Name,Section\nCy,B\n"))
        }
    }

    /// The command from end to end: a Canvas import file, every student a row, the stranger listed
    /// (exit 3), scaled points; Moodle and plain CSV from the same files.
    @Test func exportWritesEachLMSsImportFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/batch", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.gradebook.write(toFile: folder + "/batch/gradebook.csv", atomically: true, encoding: .utf8)
        try Self.canvasRoster.write(toFile: folder + "/roster.csv", atomically: true, encoding: .utf8)

        let canvas = try TestSupport.runGrader(["export", "--format", "canvas", "--roster", folder + "/roster.csv", "--grades", folder + "/batch",
                                                "--assignment", "Exercise 2 (123)", "--points-possible", "10", folder + "/canvas.csv"])
        #expect(canvas.code == 3, "some submissions matched nobody: \(canvas.error)")
        #expect(canvas.error.contains("2 submissions matched no student") && canvas.error.contains("submission_5551, stranger"), "\(canvas.error)")
        let written = try String(contentsOfFile: folder + "/canvas.csv", encoding: .utf8)
        #expect(written == """
            Student,ID,SIS User ID,SIS Login ID,Section,Exercise 2 (123)
            "Smith, Ann",101,S101,asmith,A,10
            "Jones, Bo",102,S102,bjones,A,1.5
            "Lee, Cy",103,S103,lee@uni.example,B,0
            "Park, Di",104,S104,dpark,B,

            """, "\(written)")
        let unmatched = try CSVTable.parse(String(contentsOfFile: folder + "/canvas.csv.unmatched.csv", encoding: .utf8))
        #expect(unmatched.rows.map { $0[0] } == ["submission_5551", "stranger"])

        let moodleRoster = "First name,Last name,ID number,Email address\nAnn,Smith,101,ann@uni.example\nCy,Lee,103,lee@uni.example\n"
        try moodleRoster.write(toFile: folder + "/moodle-roster.csv", atomically: true, encoding: .utf8)
        let moodle = try TestSupport.runGrader(["export", "--format", "moodle", "--roster", folder + "/moodle-roster.csv", "--grades", folder + "/batch/gradebook.csv",
                                                "--missing", "zero", folder + "/moodle.csv"])
        #expect(moodle.code == 3)
        let moodleTable = try CSVTable.parse(String(contentsOfFile: folder + "/moodle.csv", encoding: .utf8))
        #expect(moodleTable.header == ["First name", "Last name", "ID number", "Email address", "Exercise", "Feedback"])
        #expect(moodleTable.rows[1] == ["Cy", "Lee", "103", "lee@uni.example", "0", "compile error: does not compile: Optimizers.swift:3"])

        let plain = try TestSupport.runGrader(["export", "--format", "csv", "--roster", folder + "/roster.csv", "--grades", folder + "/batch", folder + "/plain.csv"])
        let plainTable = try CSVTable.parse(String(contentsOfFile: folder + "/plain.csv", encoding: .utf8))
        #expect(plain.code == 3 && plainTable.rows.count == 6, "4 students and 2 unmatched submissions: \(plainTable.rows)")
        #expect(plainTable.rows[3].suffix(5) == ["", "no submission", "", "", ""])
        #expect(plainTable.rows[5].suffix(5) == ["stranger", "not in roster", "100", "120", ""])

        // Everyone matched: exit 0, and no stale list of unmatched submissions.
        try "Name,ID,Email,Submission ID\nAnn,101,,\nBo,102,,\nCy,,lee@uni.example,\nStranger,,stranger,\nGs,,,5551\n"
            .write(toFile: folder + "/all.csv", atomically: true, encoding: .utf8)
        let matched = try TestSupport.runGrader(["export", "--format", "canvas", "--roster", folder + "/all.csv", "--grades", folder + "/batch", folder + "/canvas.csv"])
        #expect(matched.code == 0 && matched.error.contains("5 students, 5 with a grade"), "\(matched.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/canvas.csv.unmatched.csv"))
    }

    @Test func badInputIsOneSentenceWithTheFix() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "Name,Section\nCy,B\n".write(toFile: folder + "/names.csv", atomically: true, encoding: .utf8)
        try "Name,Email\nCy,lee@uni.example\n".write(toFile: folder + "/emails.csv", atomically: true, encoding: .utf8)
        try Self.gradebook.write(toFile: folder + "/gradebook.csv", atomically: true, encoding: .utf8)
        let roster = ["--roster", folder + "/gradebook.csv"]  // any CSV with an identifier column (`id`)
        let cases: [([String], Int32, String)] = [
            (["--format", "csv"] + roster + ["--grades", folder + "/none"], 1, "run `grader batch` first"),
            (["--format", "csv"] + roster + ["--grades", folder + "/names.csv"], 1, "has no 'id' column: give the gradebook.csv that `grader batch` wrote"),
            (["--format", "csv", "--roster", folder + "/names.csv", "--grades", folder], 1, "no column identifies a student"),
            (["--format", "canvas", "--roster", folder + "/emails.csv", "--grades", folder], 1, "canvas matches students by ID, SIS User ID, SIS Login ID"),
            (["--format", "blackboard"] + roster + ["--grades", folder], 64, "'blackboard'"),
            (["--format", "csv", "--points-possible", "0"] + roster + ["--grades", folder], 64, "more than 0"),
        ]
        for (arguments, code, words) in cases {
            let full = ["export"] + arguments + [folder + "/out.csv"]
            let run = try TestSupport.runGrader(full)
            #expect(run.code == code && run.error.contains(words), "\(arguments): \(run.code) \(run.error)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"), "nothing written on bad input")
        }
    }
}
