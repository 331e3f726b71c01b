import Foundation
import Intake
import Reports
@testable import Similarity
import Testing

/// `grader similarity` (issue 29): swift-syntax tokens, winnowing, and the measurement on the
/// sample course with planted copies.
@Suite struct SimilarityTests {
    static func tokens(_ source: String) -> [UInt32] { TokenizedFile(path: "x.swift", text: source).tokens }

    @Test func namesLiteralsCommentsAndLayoutDoNotChangeTheTokens() {
        let original = """
            func step(_ weights: [Double], rate: Double) -> [Double] {
                // one update
                return weights.map { $0 - rate * 0.5 }
            }
            """
        let disguised = """
            /// Renamed, recommented, re-laid-out.
            func advance(_ w: [Double],   rate η: Double) -> [Double] { return w.map { $0 - η * 2.0 } }
            """
        #expect(Self.tokens(original).count > 20)
        #expect(Self.tokens(original) == Self.tokens(disguised.replacingOccurrences(of: "rate η", with: "rate")))
        // A different structure is a different stream: `+` for `-`.
        #expect(Self.tokens(original) != Self.tokens(original.replacingOccurrences(of: "$0 - rate", with: "$0 + rate")))
    }

    @Test func aSharedRunOfKPlusWindowTokensAlwaysSharesAFingerprint() {
        var generator = SystemRandomNumberGenerator()
        let run = Winnowing.defaultK + Winnowing.defaultWindow - 1
        for _ in 0..<200 {
            let shared = (0..<run).map { _ in UInt32.random(in: 1...40, using: &generator) }
            let a = (0..<Int.random(in: 0...60)).map { _ in UInt32.random(in: 1...40) } + shared + (0..<Int.random(in: 0...60)).map { _ in UInt32.random(in: 1...40) }
            let b = (0..<Int.random(in: 0...60)).map { _ in UInt32.random(in: 41...80) } + shared + (0..<Int.random(in: 0...60)).map { _ in UInt32.random(in: 41...80) }
            let common = Set(Winnowing.fingerprints(a).map(\.hash)).intersection(Winnowing.fingerprints(b).map(\.hash))
            #expect(!common.isEmpty)
        }
        // And unrelated streams share none (64-bit hashes of different k-grams).
        let x = (0..<500).map { _ in UInt32.random(in: 1...1000) }, y = (0..<500).map { _ in UInt32.random(in: 1001...2000) }
        #expect(Set(Winnowing.fingerprints(x).map(\.hash)).isDisjoint(with: Winnowing.fingerprints(y).map(\.hash)))
    }

    /// Files built to stall or crash swift-syntax are named and left unparsed, and the rest of the
    /// submission compared: nested interpolations (cubic: 1,000 deep took 20 s), nested `[`
    /// (exponential: 30 deep over a minute), and 100,000 nested generic arguments (a stack overflow).
    @Test func filesBuiltToStallOrCrashTheParserAreLeftOutAndNamed() {
        #expect(TokenizedFile.nesting(#"print("a \(b) \(c("\(d)")) \\(e)")"#).interpolations == 2)
        #expect(TokenizedFile.nesting("let m: [[Double]] = [[1, 2], [3, 4]]").squareBrackets == 2)
        let interpolations = "let s = \"" + String(repeating: "\\(", count: 1000) + "\""
        let squareBrackets = "let a = " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let generics = "let x: " + String(repeating: "A<", count: 100_000)
        let honest = "func f(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() + Double(x.count) * 2 - 1 }\n"
        let hostile = SourceFiles(id: "hostile", files: [("Sources/A.swift", honest), ("Sources/Interpolations.swift", interpolations),
                                                         ("Sources/Squares.swift", squareBrackets), ("Sources/Generics.swift", generics)])
        let result = CourseSimilarity().analyse([hostile, SourceFiles(id: "other", files: [("Sources/A.swift", honest)])], base: [])
        #expect(result.skipped.map(\.id) == ["hostile", "hostile", "hostile"])
        #expect(result.skipped.map(\.reason) == [
            "Sources/Generics.swift not compared: brackets nested 100000 deep (more than 2000 would overflow the parser's stack)",
            "Sources/Interpolations.swift not compared: string interpolations nested 1000 deep (more than 16 would take the parser minutes)",
            "Sources/Squares.swift not compared: square brackets nested 40 deep (the parser's time doubles with each beyond 12)",
        ])
        #expect(result.submissions.map(\.files) == [1, 1])
    }

    /// The sample course plus a renamed copy of carol, a reordered and renamed copy of carol, and
    /// an unrelated correct solution: every pair of copies (carol, victor and the two planted)
    /// scores above every pair of students who wrote their code apart (`.origins.json`), the
    /// copies form one cluster, and the unrelated solution is in none.
    @Test func plantedCopiesRankAboveEveryHonestPair() throws {
        let course = FileManager.default.temporaryDirectory.appendingPathComponent("similarity-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: course) }
        let made = try TestSupport.runCommand("/usr/bin/env", ["python3", "scripts/make-course.py", course, "--planted-copies"])
        #expect(made.code == 0, "\(made.error)")
        var sources: [SourceFiles] = []
        var skipped: [SimilarityResult.Skipped] = []
        for entry in try CourseFolder.entries(in: course) {
            do { sources.append(try SourceFiles.read(id: entry.id, path: entry.path)) } catch { skipped.append(.init(id: entry.id, reason: "\(error)")) }
        }
        let handout = try ["submissions/skeleton", "ExerciseKit/Sources"].map { try SourceFiles.read(id: "handout", path: TestSupport.repository + "/" + $0) }
        let result = CourseSimilarity().analyse(sources, base: handout, skipped: skipped)
        // The zip bomb is refused by its size, not unpacked; the zip-slip and symlink zips are read in memory.
        #expect(skipped.map(\.id) == ["niaj"], "\(skipped)")
        #expect(result.submissions.count == sources.count)

        let origins = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: course + "/.origins.json"))) as? [String: [String]])
        func from(_ id: String) -> Set<String> { Set(origins[id] ?? [id]).subtracting(["skeleton"]) }
        let scores = Dictionary(uniqueKeysWithValues: result.pairs.map { ([$0.a, $0.b].sorted().joined(separator: "|"), $0.score) })
        let ids = result.submissions.map(\.id).sorted()
        var copies: [(String, Double)] = [], honest: [(String, Double)] = []
        for (i, a) in ids.enumerated() {
            for b in ids[(i + 1)...] {
                let key = "\(a)|\(b)", score = scores[key] ?? 0
                if from(a).intersection(from(b)) == ["partial"] { copies.append((key, score)) }
                if from(a).isDisjoint(with: from(b)) { honest.append((key, score)) }
            }
        }
        #expect(copies.count == 6, "carol, victor and the two planted copies: \(copies)")
        let weakestCopy = try #require(copies.min { $0.1 < $1.1 })
        let strongestHonest = try #require(honest.max { $0.1 < $1.1 })
        #expect(weakestCopy.1 > strongestHonest.1, "weakest copy \(weakestCopy), strongest honest pair \(strongestHonest)")
        #expect(result.clusters.contains(["carol", "planted-renamed", "planted-reordered", "victor"]), "\(result.clusters)")
        #expect(!result.clusters.joined().contains("quinn-unrelated"), "\(result.clusters)")
        // The side-by-side view of a planted copy shows the same code under new names.
        let pair = try #require(result.pairs.first { [$0.a, $0.b].sorted() == ["carol", "planted-renamed"] })
        let region = try #require(pair.regions.first)
        #expect(region.textA.contains("calculateUpdate") && region.textB.contains("calculateUpdate") && region.textB.contains("q"), "\(region)")
    }

    /// `grader similarity`: prints clusters and pairs, writes the JSON and the page; a folder
    /// that is not one is refused in one line.
    @Test func theCommandPrintsAndWritesTheSideBySideView() throws {
        let course = FileManager.default.temporaryDirectory.appendingPathComponent("similarity-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: course) }
        _ = try TestSupport.runCommand("/usr/bin/env", ["python3", "scripts/make-course.py", course, "--planted-copies",
                                                        "--only", "carol,victor,planted-renamed,quinn-unrelated,dave"])
        let run = try TestSupport.runGrader(["similarity", course, "--out", course + "/report"])
        #expect(run.code == 0, "\(run.error)")
        #expect(run.output.contains("1. carol, planted-renamed, victor"), "\(run.output)")
        #expect(run.output.contains("carol ↔ planted-renamed") && run.output.contains("100.0 %"), "\(run.output)")
        let page = try String(contentsOfFile: course + "/report/similarity.html", encoding: .utf8)
        #expect(page.contains("<div class=\"side\">") && page.contains("planted-renamed: Sources/Submission/Exercise2/Optimizers.swift"))
        let json = try JSONDecoder().decode(SimilarityResult.self, from: Data(contentsOf: URL(fileURLWithPath: course + "/report/similarity.json")))
        #expect(json.submissions.map(\.id).sorted() == ["carol", "dave", "planted-renamed", "quinn-unrelated", "victor"])

        let missing = try TestSupport.runGrader(["similarity", course + "/nothing-here"])
        #expect(missing.code != 0)
        #expect(missing.error.contains("is not a folder: give the folder that holds the course's zips and folders"), "\(missing.error)")
    }
}
