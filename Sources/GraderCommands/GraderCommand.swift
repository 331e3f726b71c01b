import ArgumentParser
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
            """,
        subcommands: [Run.self, Check.self, DispatchCommand.self, Train.self, BatchGrade.self, List.self, Worker.self, JudgeCommand.self]
    )

    public init() {}
}

/// Options every grading command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The rubric file (default: rubric/exercise2.json of this grader).")
    var rubric: String?

    init() {}

    init(rubric: String?) { self.rubric = rubric }

    /// The rubric given, or the default one.
    func loadRubric() throws -> Rubric {
        if let rubric { return try Rubric.load(from: rubric) }
        let executable = ExerciseKitLocation.executablePath()
        guard let path = Rubric.locateDefault(executable: executable) else {
            throw RubricError.notFound(searched: ["$GRADER_HOME/rubric/exercise2.json", "./rubric/exercise2.json",
                                                  "rubric/ above \(executable)"])
        }
        return try Rubric.load(from: path)
    }
}



