import Foundation

/// Where the student's code stopped (a crash) or was still running (a hang), found by rerunning
/// the check against a debug build of the same sources with Swift's backtracer. Information for
/// the student, never a verdict: the release run's result stands (issue 16, the trust rule).
public struct CodeLocation: Codable, Equatable, Hashable, Sendable {
    /// Relative to the submission folder, e.g. `Sources/Submission/Optimizers.swift`.
    public var file: String
    public var line: Int
    /// As the backtracer demangles it, e.g. `SgdWithMomentum.calculateUpdate(weightTensor:gradientTensor:)`.
    public var function: String
    /// The runtime's own words, e.g. `Fatal error: Unexpectedly found nil while unwrapping an Optional value`.
    public var runtimeMessage: String?
    /// Sampled while running (a hang), not where it crashed.
    public var stillRunning: Bool

    public init(file: String, line: Int, function: String, runtimeMessage: String? = nil, stillRunning: Bool = false) {
        self.file = file
        self.line = line
        self.function = function
        self.runtimeMessage = runtimeMessage
        self.stillRunning = stillRunning
    }
}

/// Reads the Swift runtime's crash report (`SWIFT_BACKTRACE=enable=yes,…,output-to=stderr`):
/// the `Fatal error` line and the frames of the crashed thread that lie in the submission's own
/// files. The text comes from the student's process, so it is parsed defensively and bounded.
public enum BacktraceReport {
    /// The library the grader builds from a submission: its frames are the student's code.
    static let image = " in libSubmission.so at "

    /// The innermost frame of the submission's library, with the runtime's message, or nil.
    /// Frames elsewhere (the runtime's, ExerciseKit's, the grader's) are skipped. The file is the
    /// path the compiler saw (a cached build may come from another copy of the same sources):
    /// ``relative(_:to:)`` makes it the student's.
    public static func location(in text: String, stillRunning: Bool) -> CodeLocation? {
        var message: String?
        var inCrashedThread = false
        var withoutLine: CodeLocation?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(2_000) {
            let line = rawLine.count > 2_000 ? String(rawLine.prefix(2_000)) : String(rawLine)
            if message == nil, let range = line.range(of: "Fatal error: ") {
                message = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
                if message!.hasSuffix(":") { message!.removeLast() }
            }
            if line.hasPrefix("Thread ") && line.hasSuffix("crashed:") { inCrashedThread = true; continue }
            guard inCrashedThread else { continue }
            if line.hasPrefix("Thread ") { break }
            // `  2 [ra]   0x00007f… Opt.update(_:) + 241 in libSubmission.so at /path/File.swift:6:17`
            guard let image = line.range(of: image) else { continue }
            let parts = line[image.upperBound...].split(separator: ":")
            guard let file = parts.first, file.hasSuffix(".swift") || file.hasSuffix(".SWIFT"), !file.hasPrefix("//"),
                  !file.hasSuffix("GraderEntryPoint.swift"), let function = functionName(line[..<image.lowerBound]) else { continue }
            // A return address in compiler-generated code (a release after a statement) has no
            // line: kept as line 0, and a caller's frame with a line is preferred.
            let lineNumber = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            let found = CodeLocation(file: String(file.prefix(1_000)), line: lineNumber, function: function,
                                     runtimeMessage: message.map { String($0.prefix(300)) }, stillRunning: stillRunning)
            if lineNumber > 0 { return found }
            if withoutLine == nil { withoutLine = found }
        }
        return withoutLine
    }

    /// `path` as one of the submission's `sources` (relative paths) when it ends with one, the
    /// longest such; otherwise its file name (a compiled copy of a `.SWIFT` file).
    public static func relative(_ path: String, to sources: [String]) -> String {
        let matches = sources.filter { path == $0 || path.hasSuffix("/" + $0) || path.hasSuffix("/" + $0.dropLast(6) + ".swift") }
        if let best = matches.max(by: { $0.count < $1.count }) { return best }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `Opt.update(_:) + 241` after the address, without the module prefix and offset.
    static func functionName(_ head: Substring) -> String? {
        guard let address = head.range(of: "0x") else { return nil }
        var rest = head[address.upperBound...].drop { $0.isHexDigit }.trimmingCharacters(in: .whitespaces)
        if let plus = rest.range(of: " + ", options: .backwards) { rest = String(rest[..<plus.lowerBound]) }
        if rest.hasPrefix("Submission.") { rest.removeFirst("Submission.".count) }
        return rest.isEmpty ? nil : String(rest.prefix(200))
    }
}
