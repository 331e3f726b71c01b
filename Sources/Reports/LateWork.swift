import Foundation
import Rubric

/// The rubric's deadline applied to a batch (issue 29, item 3): each submission's time from a
/// submissions CSV (Gradescope's "Submission Time"; any export with an id column and a time
/// column), each student's extension from the rubric's extensions CSV, matched to submission ids
/// the way `grader export` matches a roster (a folder name, Gradescope's `submission_<ID>`,
/// Canvas's `<name>_<user ID>_<submission ID>`).
public struct LateWork: Sendable {
    public let deadline: Deadline
    let times: CSVTable?
    let timeColumn: Int?
    let extensions: CSVTable?

    /// Column titles of a submission's time, as LMS exports write them.
    static let timeColumns = ["submission time", "submitted", "submitted at", "submitted_at", "submission date", "created at", "created_at",
                              "last submission time", "timestamp", "time"]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, what: String)
        case noTimeColumn(path: String, header: [String])
        case noExtensionColumn(path: String)
        case badExtension(path: String, line: Int, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let what): return "cannot read the \(what) \(path): give a CSV file"
            case .noTimeColumn(let path, let header):
                return "\(path) has no submission-time column (its columns: \(header.joined(separator: ", "))): export it with Gradescope's 'Submission Time' or add a 'submitted' column"
            case .noExtensionColumn(let path):
                return "the extensions file \(path) needs an id column (id, email, SIS user ID, …) and 'due' (a new due date) or 'hours' (added to the due date)"
            case .badExtension(let path, let line, let reason): return "\(path), line \(line): \(reason)"
            }
        }
    }

    public init(deadline: Deadline, submissionsCSV: String?) throws {
        self.deadline = deadline
        if let submissionsCSV {
            let table = try Self.read(submissionsCSV, what: "submissions CSV")
            guard let column = table.column(Self.timeColumns) else { throw Failure.noTimeColumn(path: submissionsCSV, header: table.header) }
            times = table
            timeColumn = column
        } else {
            times = nil
            timeColumn = nil
        }
        if let path = deadline.extensions {
            let table = try Self.read(path, what: "extensions file")
            guard table.column(["due", "hours"]) != nil,
                  !GradeExport.identifierColumns(of: table).isEmpty else {
                throw Failure.noExtensionColumn(path: path)
            }
            // Each extension is read once now, so a typo stops the batch before anyone is graded.
            for (index, row) in table.rows.enumerated() {
                if let problem = Self.parseExtension(in: row, of: table, deadline: deadline).problem {
                    throw Failure.badExtension(path: path, line: index + 2, reason: problem)
                }
            }
            extensions = table
        } else {
            extensions = nil
        }
    }

    static func read(_ path: String, what: String) throws -> CSVTable {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure.unreadable(path: path, what: what) }
        return try CSVTable.parse(text)
    }

    /// The policy applied to one submission.
    public func outcome(id: String, raw: Double, maximum: Double) throws -> Deadline.Outcome {
        var outcome = try deadline.apply(raw: raw, maximum: maximum, submitted: submitted(id), extension: extensionOf(id))
        // Canvas's download names say "late" but not when: not penalised, but not hidden either.
        if outcome.note == "no submission time", id.lowercased().split(separator: "_").dropFirst().contains("late") {
            outcome.note = "no submission time (Canvas marks it late)"
        }
        return outcome
    }

    /// When `id` was submitted, if the submissions CSV says.
    public func submitted(_ id: String) -> Date? {
        guard let times, let timeColumn, let row = Self.row(of: id, in: times) else { return nil }
        return try? Deadline.date(times.rows[row][timeColumn], timezone: deadline.timezone)
    }

    public func extensionOf(_ id: String) -> Deadline.Extension? {
        guard let extensions, let row = Self.row(of: id, in: extensions) else { return nil }
        return Self.parseExtension(in: extensions.rows[row], of: extensions, deadline: deadline).value
    }

    static func parseExtension(in row: [String], of table: CSVTable, deadline: Deadline) -> (value: Deadline.Extension?, problem: String?) {
        if let column = table.column(["due"]), !row[column].trimmingCharacters(in: .whitespaces).isEmpty {
            let text = row[column]
            return (try? Deadline.date(text, timezone: deadline.timezone)) == nil
                ? (nil, "due '\(text)' is not a date and time (write 2026-12-12T23:59, in the rubric's time zone)") : (.until(text), nil)
        }
        if let column = table.column(["hours"]), !row[column].trimmingCharacters(in: .whitespaces).isEmpty {
            guard let hours = Double(row[column].trimmingCharacters(in: .whitespaces)), hours >= 0 else {
                return (nil, "hours '\(row[column])' is not a number of hours (0 or more)")
            }
            return (.hours(hours), nil)
        }
        return (nil, "neither 'due' nor 'hours' is given")
    }

    /// The row of `table` that names submission `id` (the first, as an LMS export lists one per student).
    static func row(of id: String, in table: CSVTable) -> Int? {
        GradeExport.rows(naming: id, in: table, identifiers: GradeExport.identifierColumns(of: table)).first
    }
}
