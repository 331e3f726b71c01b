import Foundation
import Checks
import Testing

/// Issue 28: docs/adding-an-exercise.md lists exactly the files an exercise touches. Its ```files
/// block is compared with the repository for the two exercises added from it (CSC321, TF2 CNN):
/// every file that names one of them is on the list, and every line of the list applies to a file
/// that exists; no file of the worker, the judge, the protocol or the host names either.
@Suite struct ExerciseGuideTests {
    struct Line {
        let pattern: String
        /// The exercise folders the line is for; nil: every exercise.
        let only: [String]?
    }

    static func guideLines() throws -> [Line] {
        let guide = try String(contentsOfFile: TestSupport.repository + "/docs/adding-an-exercise.md", encoding: .utf8)
        guard let start = guide.range(of: "```files\n"), let end = guide.range(of: "\n```", range: start.upperBound..<guide.endIndex) else {
            throw MutationError(description: "docs/adding-an-exercise.md has no ```files block")
        }
        return guide[start.upperBound..<end.lowerBound].split(separator: "\n").map { raw in
            let line = String(raw)
            guard let open = line.range(of: " (only ") else { return Line(pattern: line, only: nil) }
            let names = line[open.upperBound...].dropLast().split(separator: " ").map(String.init)
            return Line(pattern: String(line[..<open.lowerBound]), only: names)
        }
    }

    /// `*` matches within a path segment; a trailing `/*` matches everything below the folder.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var regex = "^"
        var rest = Substring(pattern)
        if rest.hasSuffix("/*") { rest = rest.dropLast(2) }
        for character in rest {
            if character == "*" { regex += "[^/]*" } else { regex += NSRegularExpression.escapedPattern(for: String(character)) }
        }
        regex += pattern.hasSuffix("/*") ? "/.+$" : "$"
        return path.range(of: regex, options: .regularExpression) != nil
    }

    /// The repository's files (no build products, no git, no documentation).
    static func repositoryFiles() -> [String] {
        let root = TestSupport.repository
        var files: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        while let path = walker.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix(".") || name == "grader-report" || path == "docs" || name == "Package.resolved" {
                walker.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue, !path.hasSuffix(".md") {
                files.append(path)
            }
        }
        return files
    }

    @Test func theGuideListsExactlyTheFilesTheLastTwoExercisesTouched() throws {
        let lines = try Self.guideLines()
        #expect(lines.count > 15)
        let files = Self.repositoryFiles()
        let texts = Dictionary(uniqueKeysWithValues: files.map { ($0, (try? String(contentsOfFile: TestSupport.repository + "/" + $0, encoding: .utf8)) ?? "") })
        for exercise in [Exercise.csc321, Exercise.tf2CNN] {
            let rubric = exercise.rubrics[0]
            let applicable = lines.filter { $0.only == nil || $0.only!.contains(exercise.folder) }.map {
                $0.pattern.replacingOccurrences(of: "<Folder>", with: exercise.folder).replacingOccurrences(of: "<rubric>", with: rubric)
            }
            // Every line names something that exists.
            for pattern in applicable {
                #expect(files.contains { Self.matches(pattern, $0) }, "\(exercise.folder): the guide lists \(pattern), which matches no file")
            }
            // Every file that names the exercise is listed.
            let names = [exercise.folder, rubric, exercise.name]
            // (This test names them too: it is the checker, not a place an exercise touches.)
            let naming = files.filter { path in
                path != "Tests/GraderTests/ExerciseGuideTests.swift" && names.contains { path.contains($0) || texts[path]!.contains($0) }
            }
            #expect(naming.count > 20, "\(exercise.folder): \(naming)")
            let unlisted = naming.filter { path in !applicable.contains { Self.matches($0, path) } }
            #expect(unlisted.isEmpty, "\(exercise.folder) is named in files the guide does not list: \(unlisted)")
            // The core it must not need.
            let core = naming.filter { ["Sources/Worker/", "Sources/Judge/", "Sources/RemoteObjects/", "Sources/PluginHost/"].contains(where: $0.hasPrefix) }
            #expect(core.isEmpty, "\(exercise.folder) is named in the core: \(core)")
        }
    }

    @Test func patternsMatchAsTheGuideSays() {
        #expect(Self.matches("Sources/Checks/CSC321/*", "Sources/Checks/CSC321/CSC321Training.swift"))
        #expect(Self.matches("Sources/Checks/Oracles/*Oracle.swift", "Sources/Checks/Oracles/KerasOracle.swift"))
        #expect(!Self.matches("Sources/Checks/Oracles/*Oracle.swift", "Sources/Checks/Oracles/LiveOracles.swift"))
        #expect(!Self.matches("rubric/csc321.json", "rubric/csc321-hidden.json"))
        #expect(!Self.matches("Sources/Checks/CSC321/*", "Sources/Checks/CSC3210/x.swift"))
    }
}
