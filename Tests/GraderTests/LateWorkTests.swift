import Foundation
import Reports
import Rubric
import Testing

/// Issue 29, item 3: a rubric's deadline, grace, penalty with its floor, cutoff and per-student
/// extensions, applied to submission times from an LMS export.
@Suite(.serialized) struct LateWorkTests {
    static let policy = Deadline(due: "2026-12-10T23:59", timezone: "America/Toronto", graceMinutes: 15,
                                 penalty: .init(per: "day", percent: 10, points: nil, lowestPercent: 40),
                                 cutoff: "2026-12-14T23:59", extensions: nil)

    func at(_ text: String) throws -> Date { try Deadline.date(text, timezone: "America/Toronto") }

    @Test func thePolicyTakesAShareOfTheMaximumPerStartedDayDownToItsFloor() throws {
        let policy = Self.policy
        #expect(try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-10T23:00"), extension: nil)
                == .init(secondsLate: 0, penalty: 0, final: 90, note: "on time"))
        #expect(try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-11T00:10"), extension: nil).note == "within the grace period")
        // Offsets are honoured: 05:59 UTC is 00:59 in Toronto, one hour late.
        let utc = try policy.apply(raw: 90, maximum: 100, submitted: Deadline.date("2026-12-11 05:59:00 +0000", timezone: "UTC"), extension: nil)
        #expect(utc == .init(secondsLate: 3_600, penalty: 10, final: 80, note: "1 h 0 min late (1 day)"))
        let twoDays = try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-12T02:00"), extension: nil)
        #expect(twoDays.penalty == 20 && twoDays.final == 70 && twoDays.note == "1 d 2 h late (2 days)")
        // The floor: never below 40 % of the maximum, and a raw score under it is kept.
        #expect(try policy.apply(raw: 50, maximum: 100, submitted: at("2026-12-14T20:00"), extension: nil).final == 40)
        #expect(try policy.apply(raw: 30, maximum: 100, submitted: at("2026-12-14T20:00"), extension: nil).final == 30)
        #expect(try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-15T00:01"), extension: nil)
                == .init(secondsLate: 4 * 86_400 + 120, penalty: 90, final: 0, note: "after the cutoff: 0"))
        // An extension moves the due date and the cutoff alike.
        let extended = try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-12T02:00"), extension: .until("2026-12-12T23:59"))
        #expect(extended.final == 90 && extended.note == "on time (extended to 2026-12-12 23:59)")
        #expect(try policy.apply(raw: 90, maximum: 100, submitted: at("2026-12-15T12:00"), extension: .hours(48)).final == 60, "3 days late, before the cutoff moved to the 16th")
        // Points per hour; no time known: no penalty, and the note says why.
        var hourly = policy
        hourly.penalty = .init(per: "hour", percent: nil, points: 2, lowestPercent: nil)
        #expect(try hourly.apply(raw: 90, maximum: 100, submitted: at("2026-12-11T02:30"), extension: nil).penalty == 6)
        #expect(try hourly.apply(raw: 90, maximum: 100, submitted: nil, extension: nil).note == "no submission time")
    }

    @Test func aPolicyThatCannotBeAppliedIsRefusedNamingTheKey() {
        var policy = Self.policy
        #expect(policy.problem() == nil)
        policy.timezone = "Toronto"
        #expect(policy.problem()?.hasPrefix("deadline.timezone 'Toronto' is not a time zone") == true)
        policy = Self.policy
        policy.due = "10/12/2026"
        #expect(policy.problem()?.hasPrefix("deadline.due '10/12/2026' is not a date and time: write it as 2026-12-10T23:59") == true)
        policy = Self.policy
        policy.cutoff = "2026-12-01T00:00"
        #expect(policy.problem() == "deadline.cutoff 2026-12-01T00:00 is before deadline.due 2026-12-10T23:59")
        policy = Self.policy
        policy.penalty = .init(per: "week", percent: 10, points: nil, lowestPercent: nil)
        #expect(policy.problem() == "deadline.penalty.per is 'week': use day or hour")
        policy.penalty = .init(per: "day", percent: 10, points: 5, lowestPercent: nil)
        #expect(policy.problem()?.hasPrefix("deadline.penalty needs exactly one of percent") == true)
    }

    /// Times and extensions are matched to submission ids as `grader export` matches a roster:
    /// Canvas's `<name>_<user ID>_<submission ID>`, Gradescope's `submission_<ID>`, a plain name.
    @Test func timesAndExtensionsAreFoundByTheDownloadsIds() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("late-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "Name,Submission ID,Submission Time\nAnn,5551,2026-12-11 06:30:00 -0500\n".write(toFile: folder + "/gradescope.csv", atomically: true, encoding: .utf8)
        try "ID,hours\n102,48\n".write(toFile: folder + "/extensions.csv", atomically: true, encoding: .utf8)
        var policy = Self.policy
        policy.extensions = folder + "/extensions.csv"
        let late = try LateWork(deadline: policy, submissionsCSV: folder + "/gradescope.csv")
        #expect(late.submitted("submission_5551") == (try at("2026-12-11T06:30")))
        #expect(late.submitted("bob") == nil)
        #expect(try late.outcome(id: "cy_late_104_9", raw: 40, maximum: 40).note == "no submission time (Canvas marks it late)")
        #expect(late.extensionOf("jones_late_102_7") == .hours(48) && late.extensionOf("smith_101_3") == nil)
        #expect(try late.outcome(id: "submission_5551", raw: 40, maximum: 40).final == 36)

        try "ID,hours\n102,two days\n".write(toFile: folder + "/extensions.csv", atomically: true, encoding: .utf8)
        #expect(throws: LateWork.Failure.badExtension(path: folder + "/extensions.csv", line: 2, reason: "hours 'two days' is not a number of hours (0 or more)")) {
            try LateWork(deadline: policy, submissionsCSV: nil)
        }
        try "Name,Score\nAnn,3\n".write(toFile: folder + "/scores.csv", atomically: true, encoding: .utf8)
        #expect(throws: LateWork.Failure.noTimeColumn(path: folder + "/scores.csv", header: ["Name", "Score"])) {
            try LateWork(deadline: Self.policy, submissionsCSV: folder + "/scores.csv")
        }
    }
}
