import Foundation

/// swiftc's errors (`-diagnostic-style llvm`) as a student reads them: every error, grouped by
/// file, each with its source line and the compiler's notes (issue 16: only the first was shown).
struct CompilerDiagnostics {
    struct Diagnostic: Equatable {
        /// Relative to the submission (or the note's own file, shortened), `""` for `<unknown>`.
        var file: String
        var line: Int
        var column: Int
        var message: String
        /// The source line and the caret under it, as the compiler printed them.
        var excerpt: [String] = []
        var notes: [String] = []
    }

    /// The most errors shown; more are counted.
    static let shownErrors = 50

    /// Errors in the order the compiler found them, notes attached to the error before them.
    static func parse(_ log: String, root: String, work: String) -> [Diagnostic] {
        let rootPrefix = root.hasSuffix("/") ? root : root + "/"
        var errors: [Diagnostic] = []
        var seen = Set<String>()
        var current: Int?  // index in `errors` of the error the next excerpt or note belongs to
        var takingExcerpt = false
        for raw in log.split(separator: "\n", omittingEmptySubsequences: false).prefix(20_000) {
            let line = String(raw)
            guard let parsed = header(line) else {
                if takingExcerpt, let index = current, errors[index].excerpt.count < 2, !line.isEmpty {
                    errors[index].excerpt.append(String(line.prefix(300)))
                }
                continue
            }
            var file = parsed.file.replacingOccurrences(of: rootPrefix, with: "").replacingOccurrences(of: work + "/", with: "")
            if file.hasSuffix("GraderEntryPoint.swift") && parsed.message.contains("registerSubmission") {
                file = ""
            }
            switch parsed.kind {
            case "error":
                guard seen.insert(line).inserted else { current = nil; takingExcerpt = false; continue }
                var message = parsed.message
                if parsed.file.hasSuffix("GraderEntryPoint.swift") && message.contains("registerSubmission") {
                    message = "the submission has no `public func registerSubmission(_ registry: SubmissionRegistry)` "
                        + "(copy Registration.swift from submissions/skeleton)"
                }
                errors.append(Diagnostic(file: file, line: parsed.line, column: parsed.column, message: message))
                current = errors.count - 1
                takingExcerpt = !file.isEmpty && !file.hasPrefix("/")
            case "note":
                takingExcerpt = false
                guard let index = current, errors[index].notes.count < 4 else { continue }
                // A note in the student's files keeps its place; one in ExerciseKit or the SDK keeps its words.
                let own = !file.hasPrefix("/") && (file.hasSuffix(".swift") || file.hasSuffix(".SWIFT"))
                let place = own ? "\(file):\(parsed.line): " : ""
                let note = "note: \(place)\(parsed.message)"
                if !errors[index].notes.contains(note) { errors[index].notes.append(note) }
            default:
                takingExcerpt = false
            }
        }
        return errors
    }

    /// `path:line:col: kind: message`, or `<unknown>:0: kind: message`.
    static func header(_ line: String) -> (file: String, line: Int, column: Int, kind: String, message: String)? {
        for kind in ["error", "note", "warning"] {
            guard let marker = line.range(of: ": \(kind): ") else { continue }
            let place = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            let message = String(line[marker.upperBound...])
            if place.count >= 3, let row = Int(place[place.count - 2]), let column = Int(place[place.count - 1]) {
                return (place.dropLast(2).joined(separator: ":"), row, column, kind, message)
            }
            if place.count == 2, let row = Int(place[1]) {
                return (place[0] == "<unknown>" ? "" : String(place[0]), row, 0, kind, message)
            }
        }
        return nil
    }

    /// "2 errors in 2 files:" then each file's errors in line order, each with its excerpt and notes.
    static func render(_ errors: [Diagnostic]) -> String {
        let files = errors.map(\.file).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        let fileCount = files.filter { !$0.isEmpty }.count
        var lines = ["\(errors.count) error\(errors.count == 1 ? "" : "s")\(fileCount > 0 ? " in \(fileCount) file\(fileCount == 1 ? "" : "s")" : ""):"]
        var shown = 0
        for file in files {
            for error in errors.filter({ $0.file == file }).sorted(by: { ($0.line, $0.column) < ($1.line, $1.column) }) {
                guard shown < shownErrors else { break }
                shown += 1
                lines.append(file.isEmpty ? "error: \(error.message)" : "\(file):\(error.line):\(error.column): error: \(error.message)")
                lines += error.excerpt.map { "    \($0)" }
                lines += error.notes.map { "    \($0)" }
            }
        }
        if errors.count > shown { lines.append("… and \(errors.count - shown) more errors") }
        return lines.joined(separator: "\n")
    }
}
