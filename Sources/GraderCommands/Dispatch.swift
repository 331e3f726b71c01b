import Archive
import ArgumentParser
import Checks
import ExerciseKit
import Foundation
import Intake
import PluginHost
import Rubric

/// `dispatch --input ./src --output submission.zip`: the student's completeness check and zip.
///
/// Finds every file the rubric requires (as the original `dispatch.py`: by name, ignoring case),
/// reports missing and ambiguous ones, asks before zipping an incomplete submission (`--yes` for
/// scripts), packs the sources and optional weight files but no build products or data, and
/// compiles what it packed the way the grader will.
public struct DispatchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Check a submission for completeness and zip it for upload.",
        discussion: """
            Exit codes: 0 the zip was written (and compiles, unless --no-build); 1 no zip was written (an \
            incomplete submission not confirmed, files over the grader's limits, sources that do not \
            compile: the message says which); 64 bad arguments (e.g. --input is not a folder).
            """)

    @Option(name: [.short, .long], help: "The folder with your sources.")
    var input: String = "."

    @Option(name: [.short, .long], help: "The zip to write (.zip is appended when missing).")
    var output: String = "submission.zip"

    @Option(help: "The rubric that says which files are required (default: rubric/exercise2.json).")
    var rubric: String?

    @Flag(help: "Zip an incomplete submission without asking.")
    var yes = false

    @Flag(name: .customLong("no-build"), help: "Do not compile the zipped sources.")
    var noBuild = false

    public init() {}

    public func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--input '\(input)': path either does not exist or is not a directory")
        }
    }

    public func run() throws {
        Interruption.install(message: "interrupted: no zip was written")
        let options = CommonOptions(rubric: rubric)
        let rubric = try options.loadRubric()
        guard let layout = rubric.submission else { throw HarnessFailure("the rubric has no 'submission' section listing the required files") }
        let zipPath = URL(fileURLWithPath: output.hasSuffix(".zip") ? output : output + ".zip").standardizedFileURL.path
        let root = URL(fileURLWithPath: input).standardizedFileURL.path
        let check = LayoutCheck(folder: root, layout: layout, excluding: [zipPath])
        if !check.isComplete {
            print(check.report)
            print("It seems the files listed above are missing or ambiguous. The grader will fail the checks that need them.")
            guard try confirm() else {
                print("Dispatching has been stopped")
                throw ExitCode.failure
            }
        }
        let files = (Array(check.found.values.joined()) + check.otherSources + check.optional).sorted()
        guard !files.isEmpty else { throw HarnessFailure("no submission files found in \(input): run dispatch in your package folder or pass --input") }
        for line in Self.notes(check: check, layout: layout, rubric: rubric, root: root, packed: Set(files), rubricOption: self.rubric) { print(line) }
        try Self.checkLimits(files, root: root, limits: rubric.extractionLimits)

        // Written beside the target and renamed at the end: a failure leaves no zip behind.
        let staging = zipPath + ".partial-\(getpid())"
        let cleanup = Interruption.addCleanup { try? FileManager.default.removeItem(atPath: staging) }
        defer { Interruption.removeCleanup(cleanup) }
        do {
            let writer = try ZipWriter(path: staging)
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(file)"))
                try writer.add(name: file, data: data, compress: !file.hasSuffix(".npz"))
            }
            try writer.close()
            guard rename(staging, zipPath) == 0 else {
                throw HarnessFailure("cannot write \(zipPath): \(String(cString: strerror(errno))); choose another --output")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: zipPath)[.size] as? NSNumber)?.intValue ?? 0
        print("Packed \(files.count) files into \(zipPath) (\(Self.format(bytes: size))):")
        for file in files { print("  \(file)") }

        if !noBuild {
            let staged = try SubmissionInput(path: zipPath, limits: rubric.extractionLimits)
            defer { staged.cleanUp() }
            do {
                let builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(), compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
                _ = try builder.build(submissionAt: staged.folder, abiVersion: ExerciseKitABI.version)
                print("The zipped sources compile.")
            } catch {
                try? FileManager.default.removeItem(atPath: zipPath)
                print("The sources do not compile, so no zip was left (fix them, or pass --no-build to zip them anyway):\n\(error)")
                throw ExitCode.failure
            }
        }
        if check.isComplete {
            print("Your submission contains all it needs and is ready to be submitted")
        } else {
            if !check.missing.isEmpty { print("Notice, the missing files listed above were not dispatched.") }
            if !check.ambiguous.isEmpty { print("Notice, every copy of the ambiguous files above was dispatched, and the grader compiles each: keep one.") }
        }
        print("Please upload \(zipPath) now")
    }

    /// What the zip will lack that costs points: optional files the rubric grades (trained weights),
    /// and weight files in the folder that this rubric does not pack.
    static func notes(check: LayoutCheck, layout: Rubric.Layout, rubric: Rubric, root: String, packed: Set<String>, rubricOption: String?) -> [String] {
        var lines = missingWeights(check: check, layout: layout, rubric: rubric).map { "Notice, \($0) Then dispatch again." }
        let leftOut = SubmissionSources.files(in: root).filter { $0.lowercased().hasSuffix(".npz") && !packed.contains($0) }
        if !leftOut.isEmpty {
            // The exercises whose groups grade such a file, by their public rubric.
            let grading = Exercise.all.filter { exercise in exercise.groups.contains { group in
                leftOut.contains { URL(fileURLWithPath: $0).lastPathComponent.lowercased() == group.submittedFile?.lowercased() } } }
            lines.append("Notice, \(leftOut.joined(separator: ", ")) left out: the rubric \(rubricOption ?? "exercise2 (the default)") does not grade them."
                         + grading.compactMap { $0.rubrics.first.map { " For \($0) dispatch with --rubric \($0)." } }.joined())
        }
        return lines
    }

    /// Optional files the rubric grades that the submission lacks, each with the points at stake.
    static func missingWeights(check: LayoutCheck, layout: Rubric.Layout, rubric: Rubric) -> [String] {
        let found = Set(check.optional.map { URL(fileURLWithPath: $0).lastPathComponent.lowercased() })
        return (layout.optionalFiles ?? []).filter { !found.contains($0.lowercased()) }.compactMap { name in
            let groups = CheckCatalog.groupsReading(file: name).compactMap { rubric.group(named: $0) }.filter { !$0.isDiagnostic }
            guard !groups.isEmpty else { return nil }
            let points = groups.reduce(0) { $0 + $1.percent }
            return "\(name) was not found: \(groups.map(\.name).joined(separator: ", ")) (\(Int(points)) %) grades it and scores 0 without it. "
                + "Write it with `grader train --out . .` in your package folder."
        }
    }

    /// The rubric's intake limits, checked before anything is written: a zip the grader would
    /// refuse is never made.
    static func checkLimits(_ files: [String], root: String, limits: SafeExtractor.Limits) throws {
        guard files.count <= limits.maxEntries else {
            throw HarnessFailure("\(files.count) files to pack, more than the grader's \(limits.maxEntries): move files that are not part of your solution out of \(root)")
        }
        var total = 0
        for file in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(root)/\(file)")[.size] as? NSNumber)?.intValue ?? 0
            guard size <= limits.maxEntryBytes else {
                throw HarnessFailure("\(file) is \(format(bytes: size)), more than the grader accepts per file (\(format(bytes: limits.maxEntryBytes))): no zip was written; shrink or remove it")
            }
            total += size
        }
        guard total <= limits.maxTotalBytes else {
            throw HarnessFailure("the files add up to \(format(bytes: total)), more than the grader accepts (\(format(bytes: limits.maxTotalBytes))): no zip was written")
        }
    }

    /// Asks on a terminal; without one, only `--yes` continues.
    func confirm() throws -> Bool {
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            print("There is no terminal to ask: pass --yes to zip the incomplete submission anyway.")
            return false
        }
        print("Do you want to continue with the dispatch? [y/n]: ", terminator: "")
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("y") == true
    }

    static func format(bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : bytes < 1 << 20 ? String(format: "%.1f KiB", Double(bytes) / 1024) : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
