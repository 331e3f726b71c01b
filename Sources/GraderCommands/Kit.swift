import Archive
import ArgumentParser
import Checks
import Foundation
import PluginHost
import Rubric

extension GraderCommand {
    /// `grader kit`: the student handout of one exercise, built from this checkout without the
    /// reference, hidden rubrics, the sample course or the harness's tests (issue 10).
    struct Kit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the student handout: skeleton, the grader's sources, the public rubric and its data.",
            discussion: """
            The kit holds the skeleton as a package that builds where the kit is unpacked, the \
            grader's sources (students build it once: the same compiler then builds ExerciseKit \
            and their code), the public rubric and the data its checks read, and a README with \
            the two commands. It holds nothing of reference/, no hidden rubric, no sample \
            submission, and none of the harness's own implementation (Sources/Checks/Oracles): \
            the public checks' expected values are recorded into the kit by grading the \
            reference (rubric/data/recorded/cases.bin), and its trainings run unverified, scored \
            with the student's own functions.

            Exit codes: 0 written; 1 the kit could not be written (the message says why); 64 bad \
            arguments (a hidden rubric is refused).
            """)

        @Option(help: "The public rubric: a file or a bundled rubric's name (\(Exercise.publicRubrics)).")
        var rubric: String = "exercise2"

        @Option(help: "The folder to write the kit into (created; must be empty).")
        var out: String

        @Option(help: "Also write the kit as this zip file.")
        var zip: String?

        @Option(help: "The reference whose graded run records the public checks' expected values (default: this checkout's reference/).")
        var reference: String?

        func validate() throws {
            if let problem = OutputFolder.fileInTheWay(out, option: "--out") { throw problem }
        }

        /// A course's handout holds only its exercise's folder of the skeleton, and a
        /// Registration.swift that registers that folder's types.
        static func keepOnly(_ exercise: Exercise?, in sources: String) throws {
            guard let exercise else { return }
            for other in Exercise.all where other.folder != exercise.folder {
                try? FileManager.default.removeItem(atPath: "\(sources)/\(other.folder)")
            }
            try AtomicFile.write("""
                import ExerciseKit

                /// The submission's one entry point: tells the grader which type implements which contract.
                public func registerSubmission(_ registry: SubmissionRegistry) {
                    register\(exercise.folder)(registry)
                }

                """, to: "\(sources)/Registration.swift")
        }

        func run() throws {
            let executable = ExerciseKitLocation.executablePath()
            let rubricPath = Rubric.resolve(rubric, executable: executable)
            let loaded = try CheckCatalog.loadRubric(from: rubricPath)
            let hidden = loaded.groups.filter { $0.differential == true || ($0.visibility ?? "visible") != "visible" }.map(\.name)
            if loaded.publicRubric != nil || !hidden.isEmpty {
                throw ValidationError("--rubric \(rubric) is not public (\(hidden.isEmpty ? "it names a publicRubric" : "hidden groups: " + hidden.joined(separator: ", "))): a kit takes the rubric students may see\(loaded.publicRubric.map { ", e.g. --rubric \($0)" } ?? "")")
            }
            let source = try GraderSources.locate(executable: executable)
            try OutputFolder.create(out, option: "--out")
            guard (try FileManager.default.contentsOfDirectory(atPath: out)).isEmpty else {
                throw HarnessFailure("--out \(out) is not empty: give a new or empty folder (the kit is written whole)")
            }
            let name = URL(fileURLWithPath: rubricPath).deletingPathExtension().lastPathComponent
            let referencePath = reference ?? "\(source)/reference"
            guard FileManager.default.fileExists(atPath: "\(referencePath)/Package.swift") else {
                throw HarnessFailure("--reference \(referencePath) is not a submission package (no Package.swift): the kit records its public checks' answers from the reference; give its folder")
            }
            do {
                try GraderSources.copyHarness(from: source, to: out, withoutOracles: true)
                try GraderSources.copyRubric(loaded, file: rubricPath, named: name, from: source, to: out)
                try Self.recordCases(rubricPath: rubricPath, rubric: loaded, reference: referencePath, executable: executable,
                                     into: "\(out)/rubric/data/\(KitCases.fileName)")
                try GraderSources.copy("\(source)/submissions/skeleton", to: "\(out)/skeleton")
                try Self.keepOnly(Exercise.named(loaded.exercise), in: "\(out)/skeleton/Sources/Submission")
                try GraderSources.rewrite("\(out)/skeleton/Package.swift", replacing: "../../ExerciseKit", with: "../ExerciseKit")
                try AtomicFile.write(Self.readme(loaded, rubricName: name), to: "\(out)/README.md")
            } catch let failure as HarnessFailure {
                throw failure
            } catch {
                throw HarnessFailure("the kit could not be written to \(out) (\(SubmissionBuilder.reason(error))): choose another folder")
            }
            if let zip {
                try GraderSources.zip(folder: out, into: zip, root: URL(fileURLWithPath: out).lastPathComponent)
            }
            print("Kit for \(loaded.title) written to \(out)\(zip.map { " and \($0)" } ?? ""): skeleton/, the grader's sources, rubric/\(name).json and its data, README.md")
        }

        /// Grades the reference with the public rubric in a grader that records every answer its
        /// checks get from the harness's implementation, and writes them, merged, to `path`. The
        /// trainings are left out: they ask nothing a kit could use.
        static func recordCases(rubricPath: String, rubric: Rubric, reference: String, executable: String, into path: String) throws {
            let fileManager = FileManager.default
            try fileManager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let raw = path + ".partial"
            try? fileManager.removeItem(atPath: raw)
            defer { try? fileManager.removeItem(atPath: raw) }
            let groups = rubric.groups.map(\.name).filter { !CheckCatalog.trainingGroups.contains($0) }
            if !groups.isEmpty {
                let reports = fileManager.temporaryDirectory.appendingPathComponent("grader-kit-\(getpid())").path
                defer { try? fileManager.removeItem(atPath: reports) }
                let process = try ChildProcess(arguments: [executable, "run", "--no-sandbox", "--rubric", rubricPath, "--report-dir", reports]
                                                   + groups.flatMap { ["--group", $0] } + [reference],
                                               environment: ["GRADER_RECORD_CASES": raw])
                FileHandle.standardError.write(Data("Recording the public checks' answers: grading \(reference) with \(groups.count) groups of \(rubricPath)…\n".utf8))
                process.closeInput()
                _ = process.drainAll(until: .distantFuture)
                let output = process.remainingOutput()
                let ended = process.wait()
                guard ended.exitCode == 0, !output.contains("FAIL") else {
                    let lines = output.split(separator: "\n").filter { $0.contains("FAIL") || $0.contains("error") }.prefix(5)
                    throw HarnessFailure("the reference \(reference) does not pass the public checks of \(rubricPath) (\(ended.description)\(lines.isEmpty ? "" : ": " + lines.joined(separator: "; "))): its answers would be wrong, so no kit was written; fix the reference or the rubric")
                }
            }
            let recorded = fileManager.contents(atPath: raw) ?? Data()
            guard let merged = KitCases.merged(recorded) else {
                throw HarnessFailure("the recorded cases in \(raw) are damaged: rerun `grader kit`")
            }
            try AtomicFile.write(merged, to: path)
        }

        static func readme(_ rubric: Rubric, rubricName: String) -> String {
            """
            # \(rubric.title): your kit

            This folder holds everything to do the exercise and check it before you submit:

            | folder | what |
            |---|---|
            | `skeleton/` | your starting point: a SwiftPM package; implement the types in `Sources/Submission/`, keep `Registration.swift` |
            | `ExerciseKit/` | the contracts your code implements (`Tensor`, the protocols), with their documentation |
            | `Sources/`, `Package.swift` | the grader: the public checks, run on your code as the course runs them |
            | `rubric/\(rubricName).json`, `rubric/data/` | the public checks' points and the data sets they read |
            | `rubric/data/recorded/` | the public checks' expected values, recorded from the course's solution (this kit holds no solution) |

            ## Two commands

            Linux with Swift 6 (https://swift.org/install) and `sudo apt-get install libzip-dev pkg-config libsqlite3-dev`:

            ```sh
            swift build -c release                                              # once: builds the grader (a few minutes)
            .build/release/grader run --bonus --rubric \(rubricName) skeleton    # the public checks on your code, and the points table
            ```

            Every failed check says what was expected, what came back, a hint, and the command that
            reruns it alone. A crash or an endless loop is located in your code (file and line).
            `cd skeleton && swift build` builds your package alone, for your editor.

            ## Submit

            ```sh
            .build/release/dispatch --rubric \(rubricName) --input skeleton --output submission.zip   # checks completeness, zips your sources
            .build/release/grader check --rubric \(rubricName) submission.zip                          # GRADABLE or NOT GRADABLE, with every reason
            ```

            Here the trainings run your functions without the course grader's iteration-by-iteration
            verification and score with your own functions: the course's grader checks every iteration.

            Upload `submission.zip`. The course grades it with these public checks and with hidden
            ones that compare your code with a reference solution on other inputs: passing the
            public checks is necessary, not sufficient.

            """
        }
    }
}

/// This checkout's files, as handouts and autograders copy them.
enum GraderSources {
    /// The checkout the grader was built from: the folder above the executable (or
    /// `$GRADER_HOME`) that holds `Package.swift`, `ExerciseKit/` and the grader's sources.
    static func locate(executable: String) throws -> String {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["GRADER_HOME"] { candidates.append(home) }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder.path)
            folder.deleteLastPathComponent()
        }
        let fileManager = FileManager.default
        guard let root = candidates.first(where: {
            fileManager.fileExists(atPath: "\($0)/Package.swift") && fileManager.fileExists(atPath: "\($0)/ExerciseKit/Package.swift")
                && fileManager.fileExists(atPath: "\($0)/Sources/GraderCommands")
        }) else {
            throw HarnessFailure("the grader's sources were not found above \(executable): run it from a checkout, or set GRADER_HOME to one")
        }
        return root
    }

    /// The staff's tools, declared after `// MARK: Staff tools` in Package.swift: no kit or
    /// autograder builds them.
    static let staffFolders = ["Sources/Similarity", "Sources/grader-similarity"]

    /// The harness's own implementation of the exercises, which a student's kit leaves out.
    static let oraclesFolder = "Sources/Checks/Oracles"

    /// What the grader needs to build: its sources, ExerciseKit, and a manifest without the tests.
    /// `withoutOracles` (a student's kit): without `oraclesFolder`, and a file saying so in its place.
    static func copyHarness(from source: String, to target: String, withoutOracles: Bool = false) throws {
        try copy("\(source)/Sources", to: "\(target)/Sources",
                 leavingOut: staffFolders.map { "\(source)/\($0)" } + (withoutOracles ? ["\(source)/\(oraclesFolder)"] : []))
        if withoutOracles {
            try AtomicFile.write("""
                // Written by `grader kit`: this is a student's kit. The harness's implementation of the
                // exercises (Sources/Checks/Oracles in the course's grader) is not here. The public checks
                // read their expected values from rubric/data/\(KitCases.fileName), recorded from the
                // reference when the kit was built; the trainings run without the judge's verification and
                // are scored with your own functions. The course grades with the full grader.
                let harnessOracles: (any HarnessOracles)? = nil

                """, to: "\(target)/Sources/Checks/Support/KitWithoutOracles.swift")
        }
        try copy("\(source)/ExerciseKit", to: "\(target)/ExerciseKit")
        let manifest = try String(contentsOfFile: "\(source)/Package.swift", encoding: .utf8)
        guard let begin = manifest.range(of: "        // MARK: Tests\n"), let end = manifest.range(of: "    ]\n)", range: begin.upperBound..<manifest.endIndex) else {
            throw HarnessFailure("\(source)/Package.swift has no `// MARK: Tests` section to leave out: the kit's manifest cannot be written")
        }
        // The staff's tools (grader-similarity and swift-syntax) stay out: nobody grading needs them.
        let staff = manifest.range(of: "\n// MARK: Staff tools\n")?.lowerBound ?? manifest.endIndex
        try AtomicFile.write(String(manifest[..<begin.lowerBound]) + String(manifest[end.lowerBound..<staff]) + "\n", to: "\(target)/Package.swift")
    }

    /// The rubric file and the data files its groups read (with each data set's provenance).
    static func copyRubric(_ rubric: Rubric, file: String, named name: String, from source: String, to target: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: "\(target)/rubric", withIntermediateDirectories: true)
        try fileManager.copyItem(atPath: file, toPath: "\(target)/rubric/\(name).json")
        let dataRoot = rubric.dataDirectory ?? "\(source)/rubric/data"
        for group in rubric.groups {
            for relative in CheckCatalog.dataFiles(of: group.name) {
                let folder = (relative as NSString).deletingLastPathComponent
                try fileManager.createDirectory(atPath: "\(target)/rubric/data/\(folder)", withIntermediateDirectories: true)
                for file in [relative, "\(folder)/PROVENANCE.md"] where !fileManager.fileExists(atPath: "\(target)/rubric/data/\(file)") {
                    guard fileManager.fileExists(atPath: "\(dataRoot)/\(file)") else {
                        if file.hasSuffix("PROVENANCE.md") { continue }
                        throw HarnessFailure("\(group.name) reads \(dataRoot)/\(file), which does not exist: run from a complete checkout")
                    }
                    try fileManager.copyItem(atPath: "\(dataRoot)/\(file)", toPath: "\(target)/rubric/data/\(file)")
                }
            }
        }
    }

    /// Copies a tree without build products or editor state (nor the folders `leavingOut`).
    static func copy(_ source: String, to target: String, leavingOut: [String] = []) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: target, withIntermediateDirectories: true)
        for entry in try fileManager.contentsOfDirectory(atPath: source).sorted() where ![".build", ".swiftpm", "Package.resolved", ".DS_Store"].contains(entry)
            && !leavingOut.contains("\(source)/\(entry)") {
            var isDirectory: ObjCBool = false
            fileManager.fileExists(atPath: "\(source)/\(entry)", isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try copy("\(source)/\(entry)", to: "\(target)/\(entry)", leavingOut: leavingOut)
            } else {
                try fileManager.copyItem(atPath: "\(source)/\(entry)", toPath: "\(target)/\(entry)")
            }
        }
    }

    static func rewrite(_ path: String, replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(old) else { throw HarnessFailure("\(path) does not contain \(old): the copy cannot be adapted") }
        try AtomicFile.write(text.replacingOccurrences(of: old, with: new), to: path)
    }

    /// Every file under `folder` into a zip, under `root/`, executables kept executable.
    static func zip(folder: String, into path: String, root: String) throws {
        let fileManager = FileManager.default
        let staging = path + ".partial"
        do {
            try fileManager.createDirectory(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
            let writer = try ZipWriter(path: staging)
            for relative in ((fileManager.enumerator(atPath: folder)?.allObjects as? [String]) ?? []).sorted() {
                var isDirectory: ObjCBool = false
                fileManager.fileExists(atPath: "\(folder)/\(relative)", isDirectory: &isDirectory)
                guard !isDirectory.boolValue else { continue }
                try writer.add(name: root.isEmpty ? relative : "\(root)/\(relative)",
                               data: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(relative)")),
                               executable: fileManager.isExecutableFile(atPath: "\(folder)/\(relative)"))
            }
            try writer.close()
            guard rename(staging, path) == 0 else { throw HarnessFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        } catch {
            try? fileManager.removeItem(atPath: staging)
            if let failure = error as? HarnessFailure { throw failure }
            let reason = error is ArchiveError ? "\(error)" : SubmissionBuilder.reason(error)
            throw HarnessFailure("cannot write \(path) (\(reason)): choose another path")
        }
    }
}
