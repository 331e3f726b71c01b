import ArgumentParser
import Foundation
import Intake
import PluginHost
import Reports
import Similarity

/// `grader-similarity DIR`: which submissions of a course share code (run as `grader similarity`,
/// which adds the exercise's handout; `grader batch` runs it after grading).
@main
struct SimilarityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grader-similarity",
        abstract: "Rank a course's pairs of submissions by the code they share (winnowed swift-syntax tokens).",
        discussion: """
            Each submission (a zip or a folder in DIR, all its Swift files) is tokenized with \
            swift-syntax, identifiers and literals made alike, comments and layout dropped; its \
            k-grams are winnowed into fingerprints (as MOSS and Dolos). The handout's fingerprints \
            (--handout: the skeleton, ExerciseKit) are subtracted, and those more than half the \
            course holds are ignored. A pair's score is the share of the smaller submission's \
            fingerprints the other holds too; pairs at or above --cluster join into clusters.

            Exit codes: 0 done; 1 DIR cannot be read; 64 bad arguments.
            """)

    @Argument(help: "The folder of submissions (zips and folders, as grader batch takes).")
    var directory: String

    @Option(help: "A folder of handout code to subtract (repeatable): the skeleton, ExerciseKit's sources.")
    var handout: [String] = []

    @Option(help: "Write similarity.json and similarity.html (the side-by-side view) into this folder.")
    var out: String?

    @Option(help: "Leave this path out of DIR (the batch's output folder when it is inside DIR).")
    var exclude: [String] = []

    @Option(help: "Pairs printed.")
    var top = 20

    @Option(help: "Pairs kept in similarity.json and similarity.html's table, most similar first.")
    var pairs = 1000

    @Option(help: "Score at which a pair joins a cluster (0…1).")
    var cluster = 0.5

    @Option(help: "Share of the course above which a fingerprint is common code and ignored (0…1).")
    var common = 0.5

    func validate() throws {
        guard (0...1).contains(cluster), (0...1).contains(common) else { throw ValidationError("--cluster and --common are shares between 0 and 1") }
        guard top >= 0, pairs >= 0 else { throw ValidationError("--top and --pairs must be 0 or more") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(directory) is not a folder: give the folder that holds the course's zips and folders")
        }
        for folder in handout where !FileManager.default.fileExists(atPath: folder) {
            throw ValidationError("--handout \(folder) does not exist: give the skeleton's or ExerciseKit's folder")
        }
        var sources: [SourceFiles] = []
        var skipped: [SimilarityResult.Skipped] = []
        for entry in try CourseFolder.entries(in: directory, excluding: exclude + (out.map { [$0] } ?? [])) {
            do {
                let files = try SourceFiles.read(id: entry.id, path: entry.path)
                if files.files.isEmpty { skipped.append(.init(id: entry.id, reason: "no Swift file")) } else { sources.append(files) }
            } catch {
                skipped.append(.init(id: entry.id, reason: "\(error)"))
            }
        }
        let base = try handout.map { try SourceFiles.read(id: "handout", path: $0) }
        var options = CourseSimilarity.Options()
        options.clusterThreshold = cluster
        options.commonShare = common
        var result = CourseSimilarity(options: options).analyse(sources, base: base, skipped: skipped)
        // A course of near-identical submissions has pairs by the hundred thousand: the file keeps the top.
        result.pairs = Array(result.pairs.prefix(pairs))
        print(SimilarityText.render(result, top: top))
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // Other students' code: the course staff's alone (the batch's sandbox users reach --out).
            let mode: mode_t? = geteuid() == 0 ? 0o600 : nil
            try AtomicFile.write(try encoder.encode(result), to: "\(out)/\(SimilarityResult.fileName)", mode: mode)
            try AtomicFile.write(SimilarityHTML.page(result), to: "\(out)/similarity.html", mode: mode)
            FileHandle.standardError.write(Data("wrote \(out)/\(SimilarityResult.fileName) and \(out)/similarity.html\n".utf8))
        }
    }
}
