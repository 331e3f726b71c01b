import ArgumentParser
import Batch
import Foundation

extension GraderCommand {
    /// `grader override`: a TA's points for one group of one student, kept in the batch's
    /// grades.sqlite apart from what grading writes, so reruns and regrades keep it (issue 29, item 4).
    struct Override: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, clear or list a TA's points for a student's group in a batch (kept across reruns and regrades).",
            discussion: """
            grader override OUT STUDENT GROUP POINTS --comment WHY   sets the group's points;
            grader override OUT STUDENT GROUP --clear                removes it;
            grader override OUT                                      lists every override.

            The gradebook shows the points set and those graded (column `overrides`), the \
            student's feedback says who set them and why, and the total (and the LMS export) uses \
            them. Run the batch command again to rewrite the reports: nobody is regraded.
            """)

        @Argument(help: "The batch's --out folder (it holds grades.sqlite).")
        var out: String

        @Argument(help: "The student (the submission's id: its zip or folder name without .zip).")
        var student: String?

        @Argument(help: "The rubric group, e.g. TestConv.")
        var group: String?

        @Argument(help: "The points the group earns (0 to what the rubric gives it).")
        var points: Double?

        @Option(help: "Why (shown to the student in their feedback and in the gradebook).")
        var comment: String?

        @Flag(help: "Remove the override of STUDENT's GROUP.")
        var clear = false

        func validate() throws {
            guard FileManager.default.fileExists(atPath: out + "/grades.sqlite") else {
                throw ValidationError("'\(out)' holds no grades.sqlite: give the --out folder of a `grader batch` run")
            }
            if student != nil, group == nil { throw ValidationError("give the GROUP as well, e.g. TestConv") }
            if let points {
                guard !clear else { throw ValidationError("--clear takes no POINTS") }
                guard points.isFinite, points >= 0 else { throw ValidationError("POINTS \(points) must be 0 or more") }
                guard let comment, !comment.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ValidationError("--comment is required: the student sees why their points were changed")
                }
            } else if group != nil, !clear {
                throw ValidationError("give POINTS to set, or --clear to remove the override")
            }
        }

        func run() throws {
            let store = try BatchStore(path: out + "/grades.sqlite")
            guard let student, let group else {
                let all = try store.overrides()
                if all.isEmpty { print("no overrides in \(out)") }
                for item in all { print("\(item.submission)  \(item.groupName)  \(BatchReports.number(item.points))  \(item.setAt)  \(item.comment)") }
                return
            }
            guard try store.submission(student) != nil else {
                let known = try store.submissions().map(\.id)
                throw HarnessFailure("'\(student)' is not a student of \(out) (\(known.prefix(5).joined(separator: ", "))\(known.count > 5 ? ", …" : "")): give a submission id as the gradebook lists it")
            }
            if clear {
                guard try store.clearOverride(submission: student, group: group) else {
                    throw HarnessFailure("\(student) has no override for \(group): `grader override \(out)` lists them")
                }
                print("cleared \(student)'s override of \(group); rerun the batch command to rewrite the reports")
                return
            }
            // A submission that was not gradable has no results: any group then (the reports apply
            // it to the rubric's group of that name).
            let groups = Set(try store.results(of: student).map(\.group))
            guard groups.isEmpty || groups.contains(group) else {
                throw HarnessFailure("\(group) is not a group graded for \(student) (\(groups.sorted().joined(separator: ", "))): give one of the rubric's groups")
            }
            let stamp = ISO8601DateFormatter().string(from: Date())
            try store.setOverride(.init(submission: student, groupName: group, points: points!, comment: comment!, setAt: stamp))
            print("\(student): \(group) set to \(BatchReports.number(points!)) points; rerun the batch command to rewrite the reports (nobody is regraded)")
        }
    }
}
