import ArgumentParser
import ExerciseKit
import GradingModel
import Checks
import PluginHost
import Rubric

/// `grader`: grade neural-network exercise submissions written in Swift.
public struct GraderCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "grader",
        abstract: "Grade Swift submissions of the neural-network exercises.",
        discussion: """
            Students: `grader run --bonus` in your submission folder runs the public tests and prints \
            the exercise's points table. Each failed check shows how to rerun it alone.

            Teaching assistants: `grader batch` grades a course (report.html, \
            similarity); `grader kit` writes the student handout; `grader gradescope` writes a Gradescope autograder.

            Exit codes (every command): 0 done; 1 the grader itself could not do it (the message says \
            what to fix); 2 the submission is not gradable (run, check, train); 64 bad arguments; \
            130 interrupted (Ctrl-C).

            Environment: GRADER_CACHE the build cache (default ~/.cache/grader/builds); GRADER_HOME a \
            folder whose rubric/ holds the bundled rubrics (default: found above the grader); SWIFTC \
            the Swift compiler (default: swiftc on PATH); GRADER_EXERCISEKIT_DIR the built ExerciseKit \
            (default: beside the grader); GRADER_MODULE_CACHE the prebuilt module cache (default: \
            /var/tmp/grader-module-cache as root, ~/.cache/grader/module-cache otherwise); \
            GRADER_SWIFT_OPTIMIZATION the submissions' optimisation level, -O (default) or -Osize; \
            GRADER_COMPILER_MALLOC the compiler's allocator, tcmalloc (default when installed) or glibc.
            """,
        version: GraderVersion.description,
        subcommands: [Run.self, Check.self, DispatchCommand.self, Train.self, BatchGrade.self, List.self, RubricCommand.self, Kit.self, Gradescope.self, Export.self, Override.self, SimilarityCommand.self, AuditCommand.self, Worker.self, JudgeCommand.self]
    )

    public init() {}

    /// Exits (1) naming the first reason the declared exercises cannot be graded with
    /// (`Exercise.declarationProblems`: a group name meaning two groups), before any command runs.
    public static func refuseAnInconsistentCatalog() {
        guard let problem = CheckCatalog.declarationProblems.first else { return }
        exit(withError: HarnessFailure("the grader's exercises are inconsistent: \(problem)"))
    }
}

/// Options every grading command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The rubric: a file, or a bundled rubric's name (\(Exercise.bundledRubrics)). Default: exercise2.")
    var rubric: String?

    init() {}

    init(rubric: String?) { self.rubric = rubric }

    /// The given rubric's file (nil: the default one).
    var rubricPath: String? { rubric.map { Rubric.resolve($0, executable: ExerciseKitLocation.executablePath()) } }

    /// The rubric given, or the default one.
    func loadRubric() throws -> Rubric {
        if let rubric { return try CheckCatalog.loadRubric(from: Rubric.resolve(rubric, executable: ExerciseKitLocation.executablePath())) }
        let executable = ExerciseKitLocation.executablePath()
        guard let path = Rubric.locateDefault(executable: executable) else {
            throw RubricError.notFound(searched: ["$GRADER_HOME/rubric/exercise2.json", "./rubric/exercise2.json",
                                                  "rubric/ above \(executable)"])
        }
        return try CheckCatalog.loadRubric(from: path)
    }
}




extension GraderVersion {
    static var description: String { "grader \(number) (ExerciseKit ABI \(ExerciseKitABI.version))" }
}
