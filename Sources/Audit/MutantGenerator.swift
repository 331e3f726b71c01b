import Foundation

/// One edit at one site of the reference: the program under mutation (issue 12).
public struct Mutant: Codable, Equatable, Sendable {
    /// `m0001`…, in the order of `MutantGenerator.mutants` (stable for the same sources).
    public var id: String
    /// The source file, relative to the reference's folder.
    public var file: String
    public var line: Int
    public var column: Int
    /// The operator that made it, e.g. `arithmetic`, `comparison`, `constant`, `drop statement`.
    public var kind: String
    /// The edited text: `before` at the site became `after`.
    public var before: String
    public var after: String
    /// The contract whose code it is (a type such as `Adam`, or an hw5 function such as `conv`)
    /// and the function it sits in.
    public var contract: String
    public var function: String
    /// The whole line before and after, for the report's diff.
    public var lineBefore: String
    public var lineAfter: String
    /// Where in the file (UTF-8 offset), how long the replaced text is, and what replaces it
    /// (`after` with its spaces, e.g. ` - `).
    var offset: Int
    var length: Int
    var replacement: String
}

/// Source-level mutation operators over Swift files, applied outside comments and string
/// literals: arithmetic and comparison swaps, compound assignments, range bounds, constants,
/// dropped assignments, sign flips, `max`↔`min`, `true`↔`false`. One edit per mutant.
public enum MutantGenerator {
    /// Every mutant of the Swift files under `folder` (`Sources/`), in file, then position order.
    /// `Registration.swift` (wiring, not an exercise's logic) is left alone.
    public static func mutants(of folder: String) throws -> [Mutant] {
        let sources = URL(fileURLWithPath: folder).appendingPathComponent("Sources")
        let files = ((FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String]) ?? [])
            .filter { $0.hasSuffix(".swift") && !$0.hasSuffix("Registration.swift") }.sorted()
        var all: [Mutant] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            all += mutants(in: text, file: "Sources/" + file)
        }
        for index in all.indices { all[index].id = String(format: "m%04d", index + 1) }
        return all
    }

    /// At most `limit` mutants, spread evenly over the list (so every file and operator keeps its
    /// share), always the same ones for the same list.
    public static func sample(_ mutants: [Mutant], limit: Int) -> [Mutant] {
        guard mutants.count > limit, limit > 0 else { return mutants }
        return (0..<limit).map { mutants[$0 * mutants.count / limit] }
    }

    /// Writes a copy of the reference at `folder` with `mutant` applied into `target`.
    public static func write(_ mutant: Mutant, of folder: String, to target: String) throws {
        try copySources(of: folder, to: target)
        let path = target + "/" + mutant.file
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.replaceSubrange(mutant.offset..<(mutant.offset + mutant.length), with: Array(mutant.replacement.utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Copies the package at `folder` to `target` (replacing it), without its `.build`.
    public static func copySources(of folder: String, to target: String) throws {
        let fileManager = FileManager.default
        try? fileManager.removeItem(atPath: target)
        try fileManager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: folder, toPath: target)
        try? fileManager.removeItem(atPath: target + "/.build")
    }

    // MARK: Finding sites

    struct Site {
        var offset: Int
        var length: Int
        var before: String
        var after: String
        var kind: String
    }

    public static func mutants(in text: String, file: String) -> [Mutant] {
        let bytes = Array(text.utf8)
        let code = codeMask(bytes)
        var sites: [Site] = []
        func isCode(_ range: Range<Int>) -> Bool { range.allSatisfy { code[$0] } }
        func add(_ offset: Int, _ before: String, _ after: String, _ kind: String) {
            let length = before.utf8.count
            guard offset + length <= bytes.count, isCode(offset..<(offset + length)) else { return }
            sites.append(Site(offset: offset, length: length, before: before, after: after, kind: kind))
        }
        // Binary operators: Swift requires the same spacing on both sides, and this code base puts
        // one space around binary operators, so " + " is never a prefix or postfix operator.
        let swaps: [(String, [String], String)] = [
            (" + ", [" - "], "arithmetic"), (" - ", [" + "], "arithmetic"), (" * ", [" / "], "arithmetic"), (" / ", [" * "], "arithmetic"),
            (" < ", [" <= "], "comparison"), (" <= ", [" < "], "comparison"), (" > ", [" >= "], "comparison"), (" >= ", [" > "], "comparison"),
            (" == ", [" != "], "comparison"), (" != ", [" == "], "comparison"),
            (" += ", [" = ", " -= "], "compound assignment"), (" -= ", [" = ", " += "], "compound assignment"),
            (" *= ", [" = "], "compound assignment"), (" /= ", [" = "], "compound assignment"),
            ("..<", ["..."], "range bound"), ("...", ["..<"], "range bound"),
            ("max(", ["min("], "max/min"), ("min(", ["max("], "max/min"),
            ("true", ["false"], "boolean"), ("false", ["true"], "boolean"),
        ]
        for (pattern, replacements, kind) in swaps {
            let needle = Array(pattern.utf8)
            var index = 0
            while index + needle.count <= bytes.count {
                if bytes[index..<(index + needle.count)].elementsEqual(needle), wordBoundary(bytes, index, needle) {
                    for replacement in replacements { add(index, pattern, replacement, kind) }
                    index += needle.count
                } else {
                    index += 1
                }
            }
        }
        // Numbers, sign flips and dropped assignments, token by token.
        var index = 0
        while index < bytes.count {
            guard code[index] else { index += 1; continue }
            let byte = bytes[index]
            if isDigit(byte), index == 0 || !isIdentifier(bytes[index - 1]) && bytes[index - 1] != UInt8(ascii: ".") {
                var end = index
                while end < bytes.count {
                    let next = end + 1 < bytes.count ? bytes[end + 1] : 0
                    if isDigit(bytes[end]) || bytes[end] == UInt8(ascii: "_") { end += 1; continue }
                    if bytes[end] == UInt8(ascii: "."), isDigit(next) { end += 1; continue }
                    if bytes[end] == UInt8(ascii: "e") || bytes[end] == UInt8(ascii: "E") {
                        if isDigit(next) { end += 1; continue }
                        if next == UInt8(ascii: "-") || next == UInt8(ascii: "+"), end + 2 < bytes.count, isDigit(bytes[end + 2]) { end += 2; continue }
                    }
                    break
                }
                let literal = String(decoding: bytes[index..<end], as: UTF8.self)
                if let replacement = constantMutation(literal), end >= bytes.count || !isIdentifier(bytes[end]) {
                    add(index, literal, replacement, "constant")
                }
                index = end
                continue
            }
            // A unary minus: after `(`, `[`, `,`, `= `, `return ` and before a name, digit or `(`.
            if byte == UInt8(ascii: "-"), index + 1 < bytes.count, isIdentifier(bytes[index + 1]) || bytes[index + 1] == UInt8(ascii: "(") {
                var before = index - 1
                while before >= 0, bytes[before] == UInt8(ascii: " ") { before -= 1 }
                let previous = before >= 0 ? bytes[before] : UInt8(ascii: "(")
                let afterReturn = before >= 5 && String(decoding: bytes[(before - 5)...before], as: UTF8.self) == "return"
                if [UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: ","), UInt8(ascii: "=")].contains(previous) || afterReturn {
                    add(index, "-", "", "sign flip")
                }
            }
            index += 1
        }
        // Dropped statements: a whole line that assigns (`x = …`, `x += …`, `a[i] -= …`), not a
        // declaration, return or condition.
        var lineStart = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            // The line's code: up to a trailing comment.
            let codeEnd = (lineStart..<offset).first { !code[$0] } ?? offset
            let line = String(decoding: bytes[lineStart..<codeEnd], as: UTF8.self)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // The target is a name, a member or a subscripted element: never a declaration.
            if trimmed.firstMatch(of: /^[A-Za-z_][A-Za-z0-9_.]*(\[[^\]]*\])*\s(=|\+=|-=|\*=|\/=)\s[^=]/) != nil, !trimmed.hasSuffix("{") {
                let indent = line.utf8.prefix { $0 == UInt8(ascii: " ") }.count
                add(lineStart + indent, trimmed, "", "drop statement")
            }
            lineStart = offset + 1
        }
        sites.sort { ($0.offset, $0.kind, $0.after) < ($1.offset, $1.kind, $1.after) }
        let declarations = Self.declarations(bytes, code: code)
        return sites.map { site in
            let (line, column, lineRange) = position(of: site.offset, in: bytes)
            let lineText = String(decoding: bytes[lineRange], as: UTF8.self)
            var edited = Array(bytes[lineRange])
            let start = site.offset - lineRange.lowerBound
            edited.replaceSubrange(start..<min(edited.count, start + site.length), with: Array(site.after.utf8))
            let enclosing = declarations.last { $0.offset < site.offset && $0.kind == "func" }
            let type = declarations.last { $0.offset < site.offset && $0.kind == "type" && $0.end > site.offset }
            let function = enclosing.map { function in type.map { "\($0.name).\(function.name)" } ?? function.name } ?? (type?.name ?? "")
            // A function the table names is its own contract, as `Type.function` or alone (the
            // function-set exercises keep their functions in one type: `Modular.adam`, hw5's `conv`;
            // Adam's free `power`); any other code belongs to its type (exercise 2's classes, helpers).
            let named = [type.flatMap { type in enclosing.map { "\(type.name).\($0.name)" } }, enclosing?.name].compactMap { $0 }
            let contract = named.first { ContractGroups.table[$0] != nil } ?? type?.name ?? enclosing?.name ?? file
            return Mutant(id: "", file: file, line: line, column: column, kind: site.kind, before: site.before.trimmingCharacters(in: .whitespaces),
                          after: site.after.trimmingCharacters(in: .whitespaces), contract: contract, function: function,
                          lineBefore: lineText.trimmingCharacters(in: .whitespaces),
                          lineAfter: String(decoding: edited, as: UTF8.self).trimmingCharacters(in: .whitespaces),
                          offset: site.offset, length: site.length, replacement: site.after)
        }
    }

    /// The literal a constant becomes: an ε-like one (`1e-8`) becomes 0; an integer k becomes
    /// k − 1 (0 becomes 1); another decimal becomes 1 (and 1.0 becomes 2.0).
    static func constantMutation(_ literal: String) -> String? {
        let plain = literal.replacingOccurrences(of: "_", with: "")
        if plain.contains("e-") || plain.contains("E-") { return "0" }
        if let integer = Int(plain) { return String(integer == 0 ? 1 : integer - 1) }
        if let value = Double(plain) { return value == 1 ? "2.0" : "1.0" }
        return nil
    }

    /// `true` for each byte that is code: not in a comment or a string literal.
    static func codeMask(_ bytes: [UInt8]) -> [Bool] {
        var mask = [Bool](repeating: true, count: bytes.count)
        var index = 0
        func at(_ i: Int, _ text: String) -> Bool {
            let needle = Array(text.utf8)
            return i + needle.count <= bytes.count && bytes[i..<(i + needle.count)].elementsEqual(needle)
        }
        while index < bytes.count {
            if at(index, "//") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { mask[index] = false; index += 1 }
            } else if at(index, "/*") {
                var depth = 0
                repeat {
                    if at(index, "/*") { depth += 1; mask[index] = false; mask[index + 1] = false; index += 2; continue }
                    if at(index, "*/") { depth -= 1; mask[index] = false; mask[index + 1] = false; index += 2; continue }
                    mask[index] = false
                    index += 1
                } while depth > 0 && index < bytes.count
            } else if at(index, "\"\"\"") {
                mask[index] = false; mask[index + 1] = false; mask[index + 2] = false
                index += 3
                while index < bytes.count, !at(index, "\"\"\"") { mask[index] = false; index += 1 }
                for i in index..<min(index + 3, bytes.count) { mask[i] = false }
                index += 3
            } else if bytes[index] == UInt8(ascii: "\"") {
                mask[index] = false
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\n") {
                    if bytes[index] == UInt8(ascii: "\\") { mask[index] = false; index += 1 }
                    if index < bytes.count { mask[index] = false }
                    index += 1
                }
                if index < bytes.count { mask[index] = false }
                index += 1
            } else {
                index += 1
            }
        }
        return mask
    }

    struct Declaration {
        var kind: String  // "type" or "func"
        var name: String
        var offset: Int
        /// Where its body's closing brace is (types only; functions use the next declaration).
        var end: Int
    }

    /// `class`/`struct`/`enum`/`extension`/`func` names with where they start (and, for types, end).
    static func declarations(_ bytes: [UInt8], code: [Bool]) -> [Declaration] {
        let text = String(decoding: bytes, as: UTF8.self)
        var found: [Declaration] = []
        // `init(` or `func name`, `class Name`…: a keyword as a whole word (not `enumerated`, `initialize`).
        for match in text.matches(of: /\b(?:(class|struct|enum|extension|func)\s+([A-Za-z_][A-Za-z0-9_]*)|(init)\s*[(<])/) {
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
            guard code[offset], offset == 0 || !isIdentifier(bytes[offset - 1]) && bytes[offset - 1] != UInt8(ascii: ".") else { continue }
            let keyword = match.output.3 != nil ? "init" : String(match.output.1 ?? "")
            let isType = keyword != "func" && keyword != "init"
            let name = keyword == "init" ? "init" : (match.output.2.map(String.init) ?? "")
            guard !name.isEmpty else { continue }
            var end = bytes.count
            if isType {
                var depth = 0, index = offset, opened = false
                while index < bytes.count {
                    if code[index] {
                        if bytes[index] == UInt8(ascii: "{") { depth += 1; opened = true }
                        if bytes[index] == UInt8(ascii: "}") { depth -= 1; if opened && depth == 0 { end = index; break } }
                    }
                    index += 1
                }
            }
            found.append(Declaration(kind: isType ? "type" : "func", name: name, offset: offset, end: end))
        }
        return found
    }

    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int, range: Range<Int>) {
        var line = 1, start = 0
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") { line += 1; start = index + 1 }
        var end = offset
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        return (line, offset - start + 1, start..<end)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    static func isIdentifier(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }
    /// A word-like pattern (`max(`, `true`) must not be part of a longer name (`maximum(`, `isTrue`).
    static func wordBoundary(_ bytes: [UInt8], _ index: Int, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, isIdentifier(first) else { return true }
        if index > 0, isIdentifier(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ".") && needle.last != UInt8(ascii: "(") { return false }
        if index > 0, bytes[index - 1] == UInt8(ascii: ".") { return false }
        let end = index + needle.count
        if isIdentifier(needle.last!), end < bytes.count, isIdentifier(bytes[end]) { return false }
        return true
    }
}
