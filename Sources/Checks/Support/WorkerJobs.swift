import ExerciseKit

/// Long loops of the harness (an exercise's solver) that run in the worker, next to the student's
/// code, so thousands of calls do not cross the process boundary. A job returns data only; the
/// check that asked for it decides, in the judge, on data it never lets the job see (a test set).
/// An exercise adds its jobs here; the worker and the judge need no change.
public enum WorkerJobs {
    public typealias Job = @Sendable (_ registry: SubmissionRegistry, _ argument: ExerciseValue) throws -> ExerciseValue

    public static let all: [String: Job] = ModularSolver.jobs.merging(TrainingProbe.jobs) { first, _ in first }

    /// Runs job `name`: in the worker when the judge has set `CheckEnvironment.jobRunner`, else here.
    static func run(_ name: String, _ registry: SubmissionRegistry, _ argument: ExerciseValue) throws -> ExerciseValue {
        try CheckEnvironment.jobRunner(name, registry, argument)
    }
}
