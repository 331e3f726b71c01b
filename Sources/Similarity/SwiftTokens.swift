import SwiftParser
import SwiftSyntax

/// A Swift file as the token stream similarity compares: swift-syntax's tokens with comments and
/// whitespace (trivia) dropped, every identifier one kind and every literal one kind per sort, so
/// renaming a variable or changing a constant changes nothing. Each token keeps its line.
public struct TokenizedFile: Sendable {
    public let path: String
    public let text: String
    /// Normalised token ids (a hash of the token's class) in source order.
    public let tokens: [UInt32]
    /// The 1-based line of each token.
    public let lines: [Int32]
    /// The UTF-8 offset where each line starts.
    let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        let tree = Parser.parse(source: text)
        let lineStarts = Self.lineStarts(text)
        self.lineStarts = lineStarts
        var tokens: [UInt32] = []
        var lines: [Int32] = []
        tokens.reserveCapacity(text.utf8.count / 4)
        lines.reserveCapacity(text.utf8.count / 4)
        for token in tree.tokens(viewMode: .sourceAccurate) {
            guard let kind = Self.normalised(token.tokenKind, text: { token.text }) else { continue }
            tokens.append(Self.id(kind))
            lines.append(Self.line(of: token.positionAfterSkippingLeadingTrivia.utf8Offset, in: lineStarts))
        }
        self.tokens = tokens
        self.lines = lines
    }

    /// The class a token counts as, or nil for tokens that carry no structure (end of file).
    static func normalised(_ kind: TokenKind, text: () -> String) -> String? {
        switch kind {
        case .identifier, .dollarIdentifier: return "⟨id⟩"
        case .integerLiteral, .floatLiteral: return "⟨number⟩"
        case .stringSegment: return "⟨string⟩"
        case .regexLiteralPattern: return "⟨regex⟩"
        case .rawStringPoundDelimiter, .regexPoundDelimiter: return "#"
        case .endOfFile, .shebang, .unknown: return nil
        default: return text()
        }
    }

    static func lineStarts(_ text: String) -> [Int] {
        var starts = [0]
        for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        return starts
    }

    /// Lines `first`…`last` (1-based) of the file, without the last one's newline.
    func text(lines first: Int, _ last: Int) -> String {
        let utf8 = text.utf8
        let start = lineStarts[min(first, lineStarts.count) - 1]
        let end = last < lineStarts.count ? lineStarts[last] - 1 : utf8.count
        return String(decoding: utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: max(start, end))], as: UTF8.self)
    }

    static func line(of offset: Int, in starts: [Int]) -> Int32 {
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return Int32(low + 1)
    }
}

extension TokenizedFile {
    /// FNV-1a of a token class: ids need no shared table, so files tokenize in parallel.
    static func id(_ kind: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in kind.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }
}

extension TokenizedFile {
    /// More string interpolations nested than this is no student's code, and swift-syntax's time
    /// grows with the cube of the depth (measured: 200 deep 0.4 s, 400 deep 1.5 s, 1,000 deep
    /// 20 s): such a file is not parsed, so one hostile file cannot stall a course's comparison.
    public static let maximumInterpolationDepth = 16
    /// swift-syntax recurses once per nested bracket, and checks its own limit only in some
    /// places (100,000 nested generic arguments or `#if`s overflowed the stack): a file whose
    /// brackets open this much deeper than they close is not parsed. Parsing runs on threads
    /// with large stacks (`CourseSimilarity`), so this bound is far above any real program.
    public static let maximumBracketDepth = 2000
    /// swift-syntax's time doubles with each nested `[` (measured: 20 deep 0.2 s, 25 deep 5 s,
    /// 30 deep over a minute, closed or not); real code nests a few (`[[Double]]`).
    public static let maximumSquareBracketDepth = 12

    /// How deep `\(` interpolations nest, how far `(`, `[`, `{`, `<` and `#if` open beyond their
    /// closings at most (the count swift-syntax keeps), and `[` alone, in one cheap scan.
    public static func nesting(_ text: String) -> (interpolations: Int, brackets: Int, squareBrackets: Int) {
        var stack: [Bool] = []
        var interpolations = 0, deepestInterpolation = 0
        var brackets = 0, deepestBrackets = 0
        var squareBrackets = 0, deepestSquareBrackets = 0
        var previous: UInt8 = 0
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "("):
                let interpolation = previous == UInt8(ascii: "\\")
                stack.append(interpolation)
                if interpolation { interpolations += 1; deepestInterpolation = max(deepestInterpolation, interpolations) }
                brackets += 1
            case UInt8(ascii: ")"):
                if let last = stack.popLast(), last { interpolations -= 1 }
                brackets -= 1
            case UInt8(ascii: "["):
                brackets += 1
                squareBrackets += 1
                deepestSquareBrackets = max(deepestSquareBrackets, squareBrackets)
            case UInt8(ascii: "]"):
                brackets -= 1
                squareBrackets -= 1
            case UInt8(ascii: "{"), UInt8(ascii: "<"): brackets += 1
            case UInt8(ascii: "}"), UInt8(ascii: ">"): brackets -= 1
            case UInt8(ascii: "#") where bytes[index...].starts(with: "#if".utf8): brackets += 1
            case UInt8(ascii: "#") where bytes[index...].starts(with: "#endif".utf8): brackets -= 1
            default: break
            }
            deepestBrackets = max(deepestBrackets, brackets)
            // An escaped backslash (`\\(`) opens no interpolation.
            previous = previous == UInt8(ascii: "\\") && byte == UInt8(ascii: "\\") ? 0 : byte
        }
        return (deepestInterpolation, deepestBrackets, deepestSquareBrackets)
    }

    /// Why `text` is not parsed, or nil.
    public static func tooDeep(_ text: String) -> String? {
        let depth = nesting(text)
        if depth.interpolations > maximumInterpolationDepth {
            return "string interpolations nested \(depth.interpolations) deep (more than \(maximumInterpolationDepth) would take the parser minutes)"
        }
        if depth.squareBrackets > maximumSquareBracketDepth {
            return "square brackets nested \(depth.squareBrackets) deep (the parser's time doubles with each beyond \(maximumSquareBracketDepth))"
        }
        if depth.brackets > maximumBracketDepth {
            return "brackets nested \(depth.brackets) deep (more than \(maximumBracketDepth) would overflow the parser's stack)"
        }
        return nil
    }
}
