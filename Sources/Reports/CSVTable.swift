import Foundation

/// A CSV file as RFC 4180 writes it (what Canvas, Moodle, Gradescope and spreadsheets export):
/// a header row, quoted fields with doubled quotes, commas and line breaks inside quotes.
public struct CSVTable: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case unterminatedQuote(line: Int)
        public var description: String {
            switch self {
            case .empty: return "it is empty: a header row is expected"
            case .unterminatedQuote(let line): return "a quoted field opened on line \(line) is never closed"
            }
        }
    }

    /// Parses `text`; a byte-order mark (Excel's UTF-8 CSV) is skipped, blank lines are dropped,
    /// and short rows are padded to the header's width.
    public static func parse(_ text: String) throws -> CSVTable {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var quoteLine = 1
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                quoted = true
                quoteLine = line
            case ",":
                record.append(field)
                field = ""
            case "\r":
                continue
            case "\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                line += 1
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw ParseError.unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        records.removeAll { $0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let header = records.first else { throw ParseError.empty }
        let width = header.count
        let rows = records.dropFirst().map { $0.count < width ? $0 + Array(repeating: "", count: width - $0.count) : $0 }
        return CSVTable(header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: Array(rows))
    }

    /// The column whose header is one of `names`, compared without case, spaces or underscores.
    public func column(_ names: [String]) -> Int? {
        let wanted = names.map(Self.normalized)
        for name in wanted { if let index = header.firstIndex(where: { Self.normalized($0) == name }) { return index } }
        return nil
    }

    static func normalized(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" }
    }

    /// The table as CSV text, fields quoted where they must be; lines end in `\n`, which every
    /// LMS importer accepts.
    public var text: String {
        ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A field, quoted when it holds a comma, a quote or a line break, or starts with a character
    /// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`; OWASP's CSV injection advice).
    public static func quote(_ field: String) -> String {
        var field = field
        if let first = field.first, "=+@".contains(first) || (first == "-" && Double(field) == nil) { field = "'" + field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
