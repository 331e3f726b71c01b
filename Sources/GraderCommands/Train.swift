import Batch
import Archive
import ArgumentParser
import Checks
import Foundation
import GradingModel
import Intake
import PluginHost
import Reports
import Rubric

extension GraderCommand {
    /// `grader train --out DIR [PATH]`: trains hw5's MLP and CNN with the submission's functions
    /// and saves `mlp.npz` and `cnn.npz` (the files the handout asks students to submit).
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train hw5's MLP and CNN with your functions and save mlp.npz and cnn.npz.",
            discussion: """
                Exit codes: 0 every requested file was written; 1 the grader could not run (the message \
                says what to fix); 2 the submission cannot be trained (it does not compile or load, or \
                training failed so a file was not written); 64 bad arguments.
                """)

        @Option(help: "The folder to write mlp.npz, cnn.npz and the loss curves to.")
        var out: String

        @Option(help: "Train only this model (mlp or cnn); default both.")
        var model: String?

        @Option(help: "The hw5 rubric (iterations, learning rate, decay, batch size, seed).")
        var rubric: String?

        @OptionGroup var sandboxing: SandboxOptions

        @Argument(help: "The submission folder or zip.")
        var path: String = "."

        func validate() throws {
            if let problem = OutputFolder.fileInTheWay(out, option: "--out") { throw problem }
            if let model, !["mlp", "cnn"].contains(model) { throw ValidationError("--model '\(model)' must be mlp or cnn") }
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("PATH '\(path)' does not exist: give a submission folder or zip") }
        }

        static let outputs: [(group: String, file: String, keys: [String])] = [
            ("trainMLP", "mlp.npz", ["w1", "b1", "w2", "b2"]),
            ("trainCNN", "cnn.npz", ["w_conv", "b_conv", "w_fc", "b_fc"]),
        ]

        func run() throws {
            Interruption.install(message: "interrupted: nothing was recorded")
            let rubricFile = try rubric.map { Rubric.resolve($0, executable: ExerciseKitLocation.executablePath()) } ?? Rubric.locateDefault(named: "hw5.json", executable: ExerciseKitLocation.executablePath())
                .orThrow(HarnessFailure("rubric/hw5.json not found: pass --rubric FILE"))
            let loaded = try CheckCatalog.loadRubric(from: rubricFile)
            let selected = Self.outputs.filter { model == nil || $0.file.hasPrefix(model!) }
            let input: SubmissionInput
            do {
                input = try SubmissionInput(path: path, limits: loaded.extractionLimits)
            } catch {
                print("NOT TRAINED: \(path) cannot be unpacked safely: \(error)")
                throw ExitCode(2)
            }
            defer { input.cleanUp() }
            let absolute = input.folder
            var session = GradingSession(rubric: loaded, executable: ExerciseKitLocation.executablePath(),
                                         onlyGroups: selected.map(\.group),
                                         progress: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
            session.compilerThreads = ProcessInfo.processInfo.activeProcessorCount  // one student: use the cores
            session.keepArtifacts = true
            let name = input.name
            var folder = absolute
            let workspace = try sandboxing.workspace(rubric: loaded, name: name, executable: session.executable)
            defer { workspace?.close() }
            if let workspace {
                folder = try workspace.adopt(copyOf: absolute)
                workspace.configure(&session, sharedCache: SubmissionBuilder.defaultCacheDirectory)
            }
            try OutputFolder.create(out, option: "--out")
            let report = try session.grade(submissionAt: folder, name: name)
            if let failure = report.failure {
                // The submission's problem (no sources, a compile error), not the grader's.
                print("NOT TRAINED: \(failure)")
                throw ExitCode(2)
            }
            var missing: [String] = []
            for output in selected {
                guard let result = report.results.first(where: { $0.group == output.group }) else { continue }
                let artifacts = result.artifacts ?? [:]
                guard output.keys.allSatisfy({ artifacts[$0] != nil }) else {
                    print("\(output.file): not written, training failed: \(result.message.split(separator: "\n").first ?? "")")
                    missing.append(output.file)
                    continue
                }
                let file = "\(out)/\(output.file)"
                do {
                    try NPZ.write(path: file, arrays: output.keys.map { key in
                        (key, NumpyArray(shape: artifacts[key]!.shape, scalars: artifacts[key]!.values))
                    })
                } catch {
                    throw HarnessFailure("\(error) (check --out)")
                }
                print("\(file): \(result.status == .passed ? "" : "below the threshold, ")\(result.message.split(separator: "\n").last ?? "")")
                if let loss = artifacts["loss"] {
                    let svg = "\(out)/\(output.group)-loss.svg"
                    try OutputFolder.write(LossCurve.svg(losses: loss.values, title: "\(output.group): training loss"), to: svg, option: "--out")
                    print("\(svg): the loss curve")
                }
            }
            if !missing.isEmpty {
                print("Not written: \(missing.joined(separator: ", ")); fix the functions the messages above name and train again.")
                throw ExitCode(2)
            }
        }
    }
}

extension Optional {
    /// The value, or the error thrown.
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
