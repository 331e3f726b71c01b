import Foundation
import Testing

/// `report.html` (issue 29) in a real browser: headless Chromium from Debian renders the batch's
/// page without a script error, its numbers are gradebook.csv's, and a screenshot shows the
/// histogram's bars and the tables drawn.
@Suite(.serialized) struct ReportPageTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("report-page-\(UUID().uuidString)").path
    static let students = ["alice", "bob", "carol", "victor", "dave", "erin", "kim", "mallory", "planted-renamed", "quinn-unrelated"]

    /// The batch's output folder, graded once for the tests below.
    static let graded: Result<String, Error> = Result {
        let course = base + "/course", out = base + "/out"
        let made = try TestSupport.runCommand("/usr/bin/env", ["python3", "scripts/make-course.py", course, "--planted-copies",
                                                               "--only", students.joined(separator: ","), "--hidden-rubric", BatchTests.rubric])
        guard made.code == 0 else { throw Failure("make-course.py: \(made.error)") }
        let batch = try TestSupport.runGrader(["batch", course, "--rubric", BatchTests.rubric, "--reference", "reference", "--jobs", "2", "--out", out]
                                              + (BatchTests.sandboxUsable ? [] : ["--no-sandbox"]))
        guard batch.code == 0 else { throw Failure("grader batch: \(batch.error)") }
        return out
    }

    struct Failure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    /// Debian's Chromium; the README's set-up (make deps) installs it.
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Loads `page` headless; returns the DOM after its scripts ran and what the console said.
    static func render(_ page: String, screenshot: String? = nil) throws -> (dom: String, console: [String]) {
        let browser = try #require(chromium, "Chromium is not installed: make deps installs it (apt-get install chromium)")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                     "--user-data-dir=\(base)/profile-\(UUID().uuidString)"]
        let run = try TestSupport.runCommand(browser, flags + (screenshot.map { ["--window-size=1400,1000", "--screenshot=\($0)"] } ?? ["--dump-dom"])
                                             + ["file://" + page])
        #expect(run.code == 0, "chromium: \(run.error.suffix(2000))")
        return (run.output, run.error.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") })
    }

    @Test func theReportRendersWithoutScriptErrorsAndShowsTheGradebooksNumbers() throws {
        let out = try Self.graded.get()
        let page = out + "/report.html"
        let (dom, console) = try Self.render(page)
        #expect(console.isEmpty, "the page's console: \(console)")
        #expect(dom.contains("data-rendered=\"ok\""), "the page's script ran to its end")
        #expect(dom.contains("\(Self.students.count) shown in the students table"), "the script counted the table's rows")

        // Every gradebook row is a row of the students table, with the same status and total.
        let gradebook = try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let rows = Self.matches(#"<tr data-id="([^"]+)" data-status="([^"]+)" data-total="([^"]+)""#, in: dom)
        #expect(rows.count == Self.students.count)
        #expect(rows.map { [$0[0], $0[1], $0[2]] } == gradebook.map { Array($0.prefix(3)) }, "report.html against gradebook.csv")
        // The histogram counts the gradebook's totals, the statuses table its statuses.
        let bars = Self.matches(#"<rect class="bar"[^>]* data-count="(\d+)""#, in: dom).map { Int($0[0])! }
        #expect(bars.count == 10 && bars.reduce(0, +) == gradebook.count, "\(bars)")
        let maximum = Double(gradebook[0][3])!
        let totals = gradebook.map { Double($0[2])! }
        let expected = (0..<10).map { bucket in totals.filter { min(9, Int($0 / (maximum / 10))) == bucket }.count }
        #expect(bars == expected, "bars \(bars), gradebook \(expected)")
        for (status, count) in Dictionary(grouping: gradebook, by: { $0[1] }).mapValues(\.count) {
            #expect(dom.contains("<tr><td>\(status)</td><td class=\"n\">\(count)</td></tr>"), "status \(status)")
        }
        // The similarity section lists the planted copies' cluster; each student has a feedback section.
        #expect(dom.contains("<li>carol, planted-renamed, victor</li>"), "the similarity clusters")
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("## Similarity") && summary.contains("\n- carol, planted-renamed, victor\n"), "summary.md names the cluster")
        for student in Self.students { #expect(dom.contains("<section class=\"student\" id=\"s-\(student)\">"), "\(student)") }
    }

    @Test func aScreenshotShowsTheHistogramAndTheTables() throws {
        let out = try Self.graded.get()
        let png = Self.base + "/report.png"
        _ = try Self.render(out + "/report.html", screenshot: png)
        let counted = try TestSupport.runCommand("/usr/bin/env", ["python3", "scripts/png-colors.py", png, "3b6fd8", "d0d7de"])
        #expect(counted.code == 0, "\(counted.error)")
        let pixels = Dictionary(uniqueKeysWithValues: counted.output.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), Int(parts[1]) ?? 0)
        })
        #expect((pixels["3b6fd8"] ?? 0) > 2000, "the histogram's bars (#3b6fd8): \(pixels)")
        #expect((pixels["d0d7de"] ?? 0) > 2000, "the tables' borders (#d0d7de): \(pixels)")
    }

    /// The console check can fail: the same page with a broken script is caught.
    @Test func aScriptErrorIsCaught() throws {
        let out = try Self.graded.get()
        let page = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let broken = Self.base + "/broken.html"
        try page.replacingOccurrences(of: "var rows = ", with: "undefinedHelper(); var rows = ").write(toFile: broken, atomically: true, encoding: .utf8)
        let (dom, console) = try Self.render(broken)
        #expect(console.contains { $0.contains("Uncaught ReferenceError: undefinedHelper is not defined") }, "\(console)")
        #expect(!dom.contains("data-rendered=\"ok\""))
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { String(text[Range(match.range(at: $0), in: text)!]) }
        }
    }
}
