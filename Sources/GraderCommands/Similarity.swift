import ArgumentParser
import Foundation
import PluginHost
import Reports

extension GraderCommand {
    /// `grader similarity DIR`: runs `grader-similarity` (built beside the grader) with the
    /// exercise's handout to subtract. The tool is separate because swift-syntax, which it parses
    /// with, takes minutes to build in release: kits and autograders do without it.
    struct SimilarityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "similarity",
            abstract: "Rank a course's pairs of submissions by the code they share; clusters and a side-by-side view.",
            discussion: """
            Tokenizes every submission in DIR (zips and folders, as grader batch takes) with \
            swift-syntax, winnows its k-grams into fingerprints, subtracts the handout's (the \
            skeleton and ExerciseKit of this grader's checkout) and ignores those most of the \
            course holds. Prints the clusters and the top pairs; --out writes similarity.json and \
            similarity.html (the matching regions side by side). grader batch runs it too.

            Needs grader-similarity beside the grader: `swift build -c release --product \
            grader-similarity` (make build builds it).

            Exit codes: 0 done; 1 the tool is missing or DIR cannot be read; 64 bad arguments.
            """)

        @Argument(help: "The folder of submissions.")
        var directory: String

        @Option(help: "Write similarity.json and similarity.html into this folder.")
        var out: String?

        @Option(help: "Pairs printed.")
        var top = 20

        @Option(help: "Score at which a pair joins a cluster (0…1).")
        var cluster = 0.5

        func run() throws {
            let tool = try SimilarityTool.locate()
            let arguments = SimilarityTool.handoutArguments() + ["--top", "\(top)", "--cluster", "\(cluster)"]
                + (out.map { ["--out", $0] } ?? []) + [directory]
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
        }
    }
}

/// Where `grader-similarity` is, and the handout it subtracts.
enum SimilarityTool {
    static let name = "grader-similarity"

    static func locate() throws -> String {
        let path = URL(fileURLWithPath: ExerciseKitLocation.executablePath()).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessFailure("\(path) is missing: build it with `swift build -c release --product \(name)` (make build does); it is separate from the grader because swift-syntax takes minutes to build")
        }
        return path
    }

    /// `--handout` for the skeleton and ExerciseKit's sources: a packed grader's `handout/` beside
    /// it (scripts/make-dist.sh), else this grader's checkout.
    static func handoutArguments() -> [String] {
        let executable = ExerciseKitLocation.executablePath()
        let packed = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("handout").path
        let folders: [String]
        if FileManager.default.fileExists(atPath: packed) {
            folders = ["\(packed)/skeleton", "\(packed)/ExerciseKit"]
        } else if let source = try? GraderSources.locate(executable: executable) {
            folders = ["\(source)/submissions/skeleton", "\(source)/ExerciseKit/Sources"]
        } else {
            return []
        }
        return folders.filter { FileManager.default.fileExists(atPath: $0) }.flatMap { ["--handout", $0] }
    }

    /// The batch's similarity step: writes `out/similarity.json` and `similarity.html`; returns a
    /// line for the TA (what was found, or why nothing was).
    static func runForBatch(directory: String, out: String, submissions: Int) -> String {
        guard let tool = try? locate() else {
            return "similarity: not computed (\(name) is not built beside the grader: swift build -c release --product \(name))"
        }
        do {
            let log = "\(out)/similarity.log"
            let process = try ChildProcess(arguments: [tool] + handoutArguments() + ["--top", "0", "--exclude", out, "--out", out, directory])
            process.closeInput()
            // 1,000 submissions take about 6 s: a run far beyond that met input it cannot parse
            // quickly, and the grades must not wait for it.
            let seconds = 120 + submissions
            guard process.drainAll(until: .now() + .seconds(seconds)) else {
                process.kill()
                _ = process.wait()
                return "similarity: \(name) did not finish in \(seconds) s and was stopped; run `grader similarity \(directory)` alone to see where it spends its time"
            }
            let output = process.remainingOutput()
            let termination = process.wait()
            try? AtomicFile.write(output, to: log, mode: geteuid() == 0 ? 0o600 : nil)
            guard termination.exitCode == 0 else {
                return "similarity: \(name) failed (exit \(termination.exitCode.map(String.init) ?? "by a signal")); its output is in \(log)"
            }
            guard let data = FileManager.default.contents(atPath: "\(out)/\(SimilarityResult.fileName)"),
                  let result = try? JSONDecoder().decode(SimilarityResult.self, from: data) else {
                return "similarity: \(name) wrote no readable \(SimilarityResult.fileName); its output is in \(log)"
            }
            return "similarity: \(result.clusters.count) clusters, \(result.pairs.filter { $0.score >= result.parameters.clusterThreshold }.count) pairs at \(Int(result.parameters.clusterThreshold * 100)) % or more (\(out)/similarity.html)"
        } catch {
            return "similarity: \(name) could not start (\(error))"
        }
    }
}
