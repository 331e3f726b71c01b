import ArgumentParser
import Batch
import ExerciseKit
import Foundation
import GradingModel
import Intake
import PluginHost
import Rubric

extension GraderCommand {
    /// `grader check submission.zip`: can this submission be graded? Never runs a scored check.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a submission (zip or folder) can be graded: unzip, layout, compile, load, interface.",
            discussion: """
                Prints GRADABLE or NOT GRADABLE with every reason, and what a gradable submission still lacks \
                (optional weight files the rubric grades). Exit codes: 0 gradable; 1 the grader itself failed \
                (the message says what to fix, e.g. an unwritable GRADER_CACHE); 2 not gradable; 64 bad arguments.
                """)

        @OptionGroup var common: CommonOptions

        @OptionGroup var sandboxing: SandboxOptions

        @Argument(help: "The submission zip or folder.")
        var path: String

        func validate() throws {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("'\(path)' does not exist: give the submission zip or folder")
            }
        }

        func run() throws {
            Interruption.install(message: "interrupted: nothing was recorded")
            let rubric = try common.loadRubric()
            var reasons: [String] = []
            var lines: [String] = ["grader check: \(path)"]
            func pass(_ step: String, _ detail: String) { lines.append("  ✓ \(step): \(detail)") }
            func fail(_ step: String, _ detail: String) {
                lines.append("  ✗ \(step): \(detail.replacingOccurrences(of: "\n", with: "\n      "))")
                reasons.append("\(step): \(detail.split(separator: "\n").first ?? "")")
            }
            defer {
                lines.append(reasons.isEmpty ? "GRADABLE" : "NOT GRADABLE")
                print(lines.joined(separator: "\n"))
            }

            let input: SubmissionInput
            do {
                input = try SubmissionInput(path: path, limits: rubric.extractionLimits)
            } catch {
                fail("unzip", "\(error)")
                throw ExitCode(2)
            }
            defer { input.cleanUp() }
            if let extraction = input.extraction {
                var detail = "\(extraction.files.count) files"
                if let folder = extraction.strippedFolder { detail += ", wrapping folder '\(folder)/' removed" }
                if !extraction.skipped.isEmpty { detail += ", \(extraction.skipped.count) junk entries skipped (__MACOSX, .DS_Store, .build)" }
                pass("unzip", detail)
            }

            if let layout = rubric.submission {
                let check = LayoutCheck(folder: input.folder, layout: layout)
                if check.isComplete {
                    pass("layout", "all \(layout.requiredFiles.count) required files found")
                } else {
                    var problems: [String] = []
                    if !check.missing.isEmpty { problems.append("missing \(check.missing.joined(separator: ", "))") }
                    for (name, hits) in check.ambiguous.sorted(by: { $0.key < $1.key }) { problems.append("\(name) found \(hits.count) times (\(hits.joined(separator: ", ")))") }
                    fail("layout", problems.joined(separator: "; "))
                }
                for note in DispatchCommand.missingWeights(check: check, layout: layout, rubric: rubric) {
                    lines.append("  ! layout: \(note)")
                }
            }

            // As root the compile and the load run in the sandbox, on a copy in its work folder.
            let workspace = try sandboxing.workspace(rubric: rubric, name: input.name, executable: ExerciseKitLocation.executablePath())
            defer { workspace?.close() }
            var folder = input.folder
            var builder = SubmissionBuilder(exerciseKit: try ExerciseKitLocation.locate(), compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
            if let workspace {
                folder = try workspace.adopt(copyOf: input.folder)
                builder = SubmissionBuilder(exerciseKit: builder.exerciseKit, cacheDirectory: workspace.buildFolder,
                                            compileTimeoutSeconds: rubric.limits.compileTimeoutSeconds)
                builder.commandPrefix = workspace.sandbox?.compilerPrefix(buildDirectory: workspace.buildFolder) ?? []
                builder.sharedCacheDirectory = SubmissionBuilder.defaultCacheDirectory
            }
            builder.threads = ProcessInfo.processInfo.activeProcessorCount
            let build: SubmissionBuilder.Build
            do {
                build = try builder.build(submissionAt: folder, abiVersion: ExerciseKitABI.version)
                pass("compile", build.compileSeconds > 0 ? String(format: "%d files in %.1f s", build.sources.count, build.compileSeconds)
                                                         : "\(build.sources.count) files (cached build)")
            } catch let failure as GradingFailure {
                fail("compile", "\(failure)")
                throw ExitCode(2)
            } catch {
                // Not the submission's fault (an unwritable cache, a stopped compiler): exit 1.
                lines.append("  ✗ compile: the grader could not compile it: \(error)")
                throw HarnessFailure("\(error)")
            }

            var configuration = WorkerSupervisor.Configuration(
                executable: ExerciseKitLocation.executablePath(), libraryPath: build.libraryPath,
                checkTimeoutSeconds: rubric.limits.checkTimeoutSeconds, memoryMiB: rubric.limits.memoryMiB, cpuSeconds: rubric.limits.cpuSeconds)
            configuration.commandPrefix = workspace?.sandbox?.workerPrefix ?? []
            let supervisor = WorkerSupervisor(configuration: configuration)
            let contracts: [String]
            do {
                contracts = try supervisor.load()
                pass("load", "ExerciseKit ABI \(ExerciseKitABI.version)")
            } catch {
                fail("load", "\(error)")
                throw ExitCode(2)
            }
            let required = rubric.submission?.requiredContracts ?? []
            let absent = required.filter { !contracts.contains($0) }
            if absent.isEmpty {
                pass("interface", required.isEmpty ? "registers \(contracts.joined(separator: ", "))"
                                                   : required.count == 1 ? "\(required[0]) registered" : "all \(required.count) contracts registered")
            } else {
                fail("interface", "not registered: \(absent.joined(separator: ", ")) (set them in registerSubmission)")
            }
            if !reasons.isEmpty { throw ExitCode(2) }
        }
    }
}
