import ArgumentParser
import Checks

extension GraderCommand {
    /// `grader list`: every group and check the harness implements.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the test groups and their checks.")

        func run() throws {
            for group in CheckCatalog.groups {
                print(group.name)
                for check in group.checks { print("  \(check.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(check.summary)") }
            }
        }
    }
}
