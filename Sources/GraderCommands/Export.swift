import ArgumentParser
import Foundation
import Reports

extension GraderCommand {
    /// `grader export`: a batch's grades as the LMS's grade-import file (issue 10).
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a batch's grades as a Canvas, Moodle or plain CSV import file, matched to a roster.",
            discussion: """
            The grades are the gradebook.csv that `grader batch` wrote. Each submission id (the \
            file's name) is matched to a roster student: by any identifier column (ID, SIS User \
            ID, SIS Login ID, Username, Email, SID, ID number, Submission ID); a Canvas download's \
            name_<user ID>_<submission ID>_file by the roster's ID; a Gradescope export's \
            submission_<n> by its Submission ID. Use the LMS's own export (or Gradescope's \
            scores CSV) as the roster.

            Every roster student gets a row; one without a submission gets an empty cell (no change \
            in the LMS) or, with --missing zero, a 0. Submissions that match no student are listed \
            on stderr and written to OUT.unmatched.csv (for --format csv, as rows of OUT).

            Exit codes: 0 written, every submission matched; 3 written, some submissions matched \
            no student (listed); 1 a file could not be read or written, or the roster is \
            ambiguous (the message says which rows); 64 bad arguments.
            """)

        @Option(help: "canvas, moodle or csv.")
        var format: GradeExport.Format

        @Option(help: "The course roster: the LMS's gradebook export, Gradescope's scores CSV, or any CSV with an identifier column.")
        var roster: String

        @Option(help: "The batch's gradebook.csv, or the --out folder that holds it.")
        var grades: String = "grader-out"

        @Option(help: "The grade column's title (Canvas creates an assignment of a new name).")
        var assignment: String = "Exercise"

        @Option(name: .customLong("points-possible"), help: "The LMS assignment's points: grades are scaled from the gradebook's maximum to it.")
        var pointsPossible: Double?

        @Option(help: "A roster student without a submission: blank (no change in the LMS) or zero.")
        var missing: Missing = .blank

        @Argument(help: "The import file to write.")
        var out: String

        enum Missing: String, ExpressibleByArgument, CaseIterable {
            case blank, zero
        }

        func validate() throws {
            if let pointsPossible, !(pointsPossible > 0) { throw ValidationError("--points-possible is \(pointsPossible): give the assignment's points, more than 0") }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("'\(out)' is a folder: give the file to write, e.g. \(out)/grades-\(format.rawValue).csv")
            }
        }

        func run() throws {
            let gradebookPath = Self.gradebook(at: grades)
            let gradebook = try Self.table(gradebookPath, what: "the gradebook")
            let rosterTable = GradeExport.roster(try Self.table(roster, what: "the roster"))
            let written: CSVTable
            let matching: GradeExport.Matching
            do {
                let graded = try GradeExport.grades(fromGradebook: gradebook)
                matching = try GradeExport.match(graded, roster: rosterTable)
                written = try GradeExport.table(format, roster: rosterTable, matching: matching,
                                                options: .init(assignment: assignment, pointsPossible: pointsPossible, missingAsZero: missing == .zero))
            } catch let failure as GradeExport.Failure {
                switch failure {
                case .notAGradebook: throw HarnessFailure("\(gradebookPath): \(failure)")
                default: throw HarnessFailure("\(roster): \(failure)")
                }
            }
            try OutputFolder.write(written.text, to: out, option: "the output file")
            let unmatchedPath = out + ".unmatched.csv"
            try? FileManager.default.removeItem(atPath: unmatchedPath)  // a previous export's list would be stale
            let withoutSubmission = rosterTable.rows.count - matching.byRow.count
            FileHandle.standardError.write(Data(("wrote \(out): \(rosterTable.rows.count) students, \(matching.byRow.count) with a grade, "
                + "\(withoutSubmission) without a submission (\(missing == .zero ? "0" : "left blank; --missing zero gives them 0"))\n").utf8))
            guard !matching.unmatched.isEmpty else { return }
            if format != .csv {
                let list = CSVTable(header: ["submission", "status", "total", "maximum", "reason"],
                                    rows: matching.unmatched.map { [$0.id, $0.status, $0.total.map(GradeExport.number) ?? "", $0.maximum.map(GradeExport.number) ?? "", $0.reason] })
                try OutputFolder.write(list.text, to: unmatchedPath, option: "the output file")
            }
            FileHandle.standardError.write(Data(("\(matching.unmatched.count) submission\(matching.unmatched.count == 1 ? "" : "s") matched no student in \(roster)"
                + (format == .csv ? " (rows at the end of \(out))" : " (listed in \(unmatchedPath))") + ": "
                + matching.unmatched.map(\.id).joined(separator: ", ")
                + "\n  add them to the roster (or rename the files to a roster ID or email) and export again\n").utf8))
            throw ExitCode(3)
        }

        /// `--grades`: a gradebook file, or a batch's --out folder holding one.
        static func gradebook(at path: String) -> String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return path + "/gradebook.csv" }
            return path
        }

        static func table(_ path: String, what: String) throws -> CSVTable {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HarnessFailure("cannot read \(what) \(path): no such file or not readable" + (what == "the gradebook" ? " (run `grader batch` first, or give --grades)" : ""))
            }
            guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
                throw HarnessFailure("\(what) \(path) is not text: give a CSV file")
            }
            do {
                return try CSVTable.parse(text)
            } catch {
                throw HarnessFailure("\(what) \(path) is not a CSV file: \(error)")
            }
        }
    }
}

extension GradeExport.Format: ExpressibleByArgument {}
