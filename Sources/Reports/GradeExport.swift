import Foundation

/// Grades to the LMS (issue 10): the batch's `gradebook.csv` rows are matched to the students of
/// a roster (an LMS's or Gradescope's own export) by the submission ids that downloads carry, and
/// written as the grade-import CSV the LMS expects. Every roster student gets a row; a submission
/// that matches nobody is listed, never dropped.
public enum GradeExport {
    public enum Format: String, CaseIterable, Sendable {
        /// Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then the assignment.
        case canvas
        /// Moodle's "Import grades from CSV": the roster's identifiers, then the grade and feedback.
        case moodle
        /// Every roster column, then submission, status, score, maximum, reason; unmatched rows last.
        case csv
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAGradebook(missing: String)
        case noIdentifierColumn(header: [String])
        case missingColumns(format: Format, needed: [String])
        case ambiguousStudent(id: String, rows: [Int])
        case twoSubmissions(student: String, ids: [String])

        public var description: String {
            switch self {
            case .notAGradebook(let missing):
                return "it has no '\(missing)' column: give the gradebook.csv that `grader batch` wrote (or its --out folder)"
            case .noIdentifierColumn(let header):
                return "no column identifies a student (its columns: \(header.joined(separator: ", "))): export the roster from the LMS or Gradescope, or add an 'ID', 'Email' or 'Submission ID' column"
            case .missingColumns(let format, let needed):
                return "\(format.rawValue) matches students by \(needed.joined(separator: ", ")), and the roster has none of them: export the roster from \(format == .canvas ? "Canvas's Grades > Export" : "Moodle's Grades > Export to CSV")"
            case .ambiguousStudent(let id, let rows):
                return "submission '\(id)' matches roster rows \(rows.map { String($0) }.joined(separator: " and ")): make the roster's identifiers unique"
            case .twoSubmissions(let student, let ids):
                return "\(student) has two submissions, \(ids.joined(separator: " and ")): keep the one to grade in the batch folder and export again"
            }
        }
    }

    /// One row of `gradebook.csv`.
    public struct Grade: Equatable, Sendable {
        public var id: String
        public var status: String
        public var total: Double?
        public var maximum: Double?
        public var reason: String
    }

    public static func grades(fromGradebook table: CSVTable) throws -> [Grade] {
        var columns: [String: Int] = [:]
        for name in ["id", "status", "total", "maximum", "reason"] {
            guard let index = table.header.firstIndex(of: name) else { throw Failure.notAGradebook(missing: name) }
            columns[name] = index
        }
        return table.rows.map { row in
            Grade(id: unprotected(row[columns["id"]!]), status: row[columns["status"]!], total: Double(row[columns["total"]!]),
                  maximum: Double(row[columns["maximum"]!]), reason: row[columns["reason"]!])
        }
    }

    /// Undoes `CSVTable.quote`'s formula guard, so an id that starts with `=` matches its file.
    static func unprotected(_ field: String) -> String {
        field.hasPrefix("'") && field.dropFirst().first.map { "=+-@".contains($0) } == true ? String(field.dropFirst()) : field
    }

    /// Columns whose values name one student, as Canvas, Moodle, Gradescope and SIS exports title them.
    static let identifierColumns = ["id", "sis user id", "sis login id", "login id", "login", "username", "user name", "email", "email address",
                                    "student id", "sid", "id number", "student number", "matriculation number", "submission id"]

    /// The ids a download gives a submission, and the roster column each must be found in
    /// (nil: any identifier column).
    static func keys(of id: String) -> [(value: String, column: String?)] {
        var id = id.lowercased()
        if id.hasSuffix(".zip") { id.removeLast(4) }
        var keys: [(String, String?)] = [(id, nil)]
        let parts = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        // Gradescope's "Export Submissions": submission_<Submission ID>.
        if parts.count == 2, parts[0] == "submission", !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) {
            keys.append((parts[1], "submission id"))
        }
        // Canvas's "Download Submissions": <name>[_LATE]_<user ID>_<submission ID>[_<file>]; the user
        // ID is the roster's `ID` column.
        if let start = parts.indices.dropFirst().first(where: { index in
            index + 1 < parts.count && [parts[index], parts[index + 1]].allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        }) {
            keys.append((parts[start], "id"))
        }
        return keys
    }

    /// The matching: roster row → its grade, and the grades no row claims.
    public struct Matching: Equatable, Sendable {
        public var byRow: [Int: Grade]
        public var unmatched: [Grade]
    }

    /// A roster as exported: Canvas's second row, `Points Possible`, is no student and is dropped.
    public static func roster(_ table: CSVTable) -> CSVTable {
        var table = table
        if let student = table.column(["student"]) {
            table.rows.removeAll { $0[student].trimmingCharacters(in: .whitespaces) == "Points Possible" }
        }
        return table
    }

    /// The table's columns that identify a student.
    static func identifierColumns(of table: CSVTable) -> [Int] {
        let known = Set(identifierColumns.map(CSVTable.normalized))
        return table.header.indices.filter { known.contains(CSVTable.normalized(table.header[$0])) }
    }

    /// The rows of `table` that name submission `id`: by the first of its keys that finds any.
    static func rows(naming id: String, in table: CSVTable, identifiers: [Int]) -> [Int] {
        for key in keys(of: id) {
            let columns = key.column.map { wanted in identifiers.filter { CSVTable.normalized(table.header[$0]) == CSVTable.normalized(wanted) } } ?? identifiers
            let found = table.rows.indices.filter { row in
                columns.contains { table.rows[row][$0].trimmingCharacters(in: .whitespaces).lowercased() == key.value }
            }
            if !found.isEmpty { return found }
        }
        return []
    }

    public static func match(_ grades: [Grade], roster: CSVTable) throws -> Matching {
        let identifiers = identifierColumns(of: roster)
        guard !identifiers.isEmpty else { throw Failure.noIdentifierColumn(header: roster.header) }
        var byRow: [Int: Grade] = [:]
        var unmatched: [Grade] = []
        for grade in grades {
            let found = rows(naming: grade.id, in: roster, identifiers: identifiers)
            guard let row = found.first else { unmatched.append(grade); continue }
            guard found.count == 1 else { throw Failure.ambiguousStudent(id: grade.id, rows: found.map { $0 + 2 }) }  // the file's line numbers
            if let earlier = byRow[row] {
                throw Failure.twoSubmissions(student: describe(row: row, of: roster), ids: [earlier.id, grade.id])
            }
            byRow[row] = grade
        }
        return Matching(byRow: byRow, unmatched: unmatched)
    }

    /// A roster row in words, for messages: its name columns, else its first identifier.
    static func describe(row: Int, of roster: CSVTable) -> String {
        let names = ["student", "name", "first name", "last name"].compactMap { roster.column([$0]) }.map { roster.rows[row][$0] }.filter { !$0.isEmpty }
        return names.isEmpty ? "roster line \(row + 2)" : names.joined(separator: " ") + " (roster line \(row + 2))"
    }

    public struct Options: Sendable {
        /// The grade column's title (Canvas creates an assignment of a new name).
        public var assignment: String
        /// The LMS assignment's points: grades are scaled from the gradebook's maximum to it.
        public var pointsPossible: Double?
        /// A roster student without a submission gets 0 (true) or an empty cell (false: no change in the LMS).
        public var missingAsZero: Bool

        public init(assignment: String, pointsPossible: Double? = nil, missingAsZero: Bool = false) {
            self.assignment = assignment
            self.pointsPossible = pointsPossible
            self.missingAsZero = missingAsZero
        }
    }

    /// The import file for `format`.
    public static func table(_ format: Format, roster: CSVTable, matching: Matching, options: Options) throws -> CSVTable {
        func score(_ grade: Grade?) -> String {
            guard let grade, let total = grade.total else { return options.missingAsZero ? "0" : "" }
            guard let points = options.pointsPossible, let maximum = grade.maximum, maximum > 0 else { return number(total) }
            return number(total / maximum * points)
        }
        /// What `score` is out of: the assignment's points when scaled, else the gradebook's maximum.
        func maximum(_ grade: Grade) -> String { options.pointsPossible.map(number) ?? grade.maximum.map(number) ?? "" }
        switch format {
        case .canvas, .moodle:
            let wanted = format == .canvas ? ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
                                           : ["First name", "Last name", "ID number", "Email address", "Username"]
            let keys = format == .canvas ? ["ID", "SIS User ID", "SIS Login ID"] : ["ID number", "Email address", "Username"]
            let columns = wanted.compactMap { name in roster.column([name] + (name == "Email address" ? ["email"] : [])).map { (name, $0) } }
            guard columns.contains(where: { keys.contains($0.0) }) else { throw Failure.missingColumns(format: format, needed: keys) }
            var header = columns.map(\.0) + [options.assignment]
            if format == .moodle { header.append("Feedback") }
            let rows = roster.rows.indices.map { row -> [String] in
                let grade = matching.byRow[row]
                var line = columns.map { roster.rows[row][$0.1] } + [score(grade)]
                if format == .moodle { line.append(grade.map { $0.reason.isEmpty ? $0.status : "\($0.status): \($0.reason)" } ?? "no submission") }
                return line
            }
            return CSVTable(header: header, rows: rows)
        case .csv:
            let header = roster.header + ["submission", "status", "score", "maximum", "reason"]
            var rows = roster.rows.indices.map { row -> [String] in
                let grade = matching.byRow[row]
                return roster.rows[row] + [grade?.id ?? "", grade?.status ?? "no submission", score(grade), grade.map(maximum) ?? "", grade?.reason ?? ""]
            }
            // Not in the roster: kept, with empty roster fields, so nobody's grade is lost.
            rows += matching.unmatched.map { grade in
                Array(repeating: "", count: roster.header.count)
                    + [grade.id, "not in roster", score(grade), maximum(grade), grade.reason]
            }
            return CSVTable(header: header, rows: rows)
        }
    }

    public static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        guard rounded != rounded.rounded() else { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
