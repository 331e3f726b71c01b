import ArgumentParser
import Checks

extension GraderCommand {
    /// `grader list`: every group and check the harness implements.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the test groups and their checks.")

        func run() throws {
            // The CPU limit each check gets, as a share of the rubric's per-check limit.
            for group in CheckCatalog.groups {
                print(group.name + (group.smallInputs ? "  (small fixed inputs: \(Checks.Check.smallInputsScale) × the per-check CPU limit)" : ""))
                for check in group.checks {
                    let limit = check.timeoutScale > 1 ? "  [\(Int(check.timeoutScale)) × the per-check CPU limit]" : ""
                    print("  \(check.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(check.summary)\(limit)")
                }
            }
        }
    }
}
