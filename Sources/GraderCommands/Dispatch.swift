import Archive
import ArgumentParser
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
        discussion: "Exit code 0 when the zip was written (and compiles, unless --no-build), 1 otherwise.")

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

        let writer = try ZipWriter(path: zipPath)
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(file)"))
            try writer.add(name: file, data: data, compress: !file.hasSuffix(".npz"))
        }
        try writer.close()
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
                print("The zip was written but does not compile (fix this before uploading):\n\(error)")
                throw ExitCode.failure
            }
        }
        if check.isComplete {
            print("Your submission contains all it needs and is ready to be submitted")
        } else {
            print("Notice, the files listed above were not dispatched.")
        }
        print("Please upload \(zipPath) now")
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
