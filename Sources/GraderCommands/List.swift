import ArgumentParser
import Checks

extension GraderCommand {
    /// `grader list`: every group and check the harness implements.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the test groups and their checks.")

        func run() throws {
            // By exercise (a rubric names one, and only its groups).
            for exercise in Exercise.all {
                print("\(exercise.name): \(exercise.title) (rubrics: \(exercise.rubrics.joined(separator: ", ")))")
                for group in exercise.groups where group.listed { list(group.checks) }
                // Only in the course's grader (a kit has no probes).
                for probe in exercise.probes.compactMap(CheckCatalog.group(named:)) { list(probe, note: "  (hidden: compared with the reference)") }
                print("")
            }
        }

        /// A group and its checks, with the CPU limit each gets as a share of the rubric's per-check limit.
        func list(_ group: CheckGroup, note: String = "") {
            print(group.name + note + (group.smallInputs ? "  (small fixed inputs: \(Checks.Check.smallInputsScale) × the per-check CPU limit)" : ""))
            for check in group.checks {
                let limit = check.timeoutScale > 1 ? "  [\(Int(check.timeoutScale)) × the per-check CPU limit]" : ""
                print("  \(check.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(check.summary)\(limit)")
            }
        }
    }
}
