import Foundation

/// A rubric's deadline and late policy (issue 29, item 3): what Autolab, Canvas and PrairieLearn
/// apply and Gradescope leaves to the TA. Times without an offset are read in `timezone`.
///
///     "deadline": {"due": "2026-12-10T23:59", "timezone": "America/Toronto", "graceMinutes": 15,
///                  "penalty": {"per": "day", "percent": 10, "lowestPercent": 40},
///                  "cutoff": "2026-12-14T23:59", "extensions": "extensions.csv"}
public struct Deadline: Codable, Sendable, Equatable {
    /// The due date, `YYYY-MM-DDTHH:MM[:SS]` (local to `timezone`) or with an offset.
    public var due: String
    /// An IANA zone ("America/Toronto", "Europe/Berlin", "UTC").
    public var timezone: String
    /// Minutes after the due date (or an extension) that still count as on time.
    public var graceMinutes: Double?
    /// Points taken for each started day or hour late; none: late work loses nothing until the cutoff.
    public var penalty: Penalty?
    /// After it (shifted by a student's extension as the due date is), a submission earns 0.
    public var cutoff: String?
    /// Per-student extensions, a CSV with an id column and `due` (a new due date) or `hours`
    /// (added to it); relative to the rubric's folder.
    public var extensions: String?

    public init(due: String, timezone: String, graceMinutes: Double? = nil, penalty: Penalty? = nil, cutoff: String? = nil, extensions: String? = nil) {
        (self.due, self.timezone, self.graceMinutes, self.penalty, self.cutoff, self.extensions) = (due, timezone, graceMinutes, penalty, cutoff, extensions)
    }

    public struct Penalty: Codable, Sendable, Equatable {
        /// "day" or "hour": each started unit after the due date costs once.
        public var per: String
        /// The share of the maximum taken per unit…
        public var percent: Double?
        /// …or the points taken per unit (one of the two).
        public var points: Double?
        /// The penalty never takes a score below this share of the maximum (Canvas's "lowest
        /// possible grade"); a lower raw score stays as it is. Default 0.
        public var lowestPercent: Double?

        public init(per: String, percent: Double? = nil, points: Double? = nil, lowestPercent: Double? = nil) {
            (self.per, self.percent, self.points, self.lowestPercent) = (per, percent, points, lowestPercent)
        }
    }

    /// What the policy did to one submission.
    public struct Outcome: Equatable, Sendable {
        /// Seconds after the (extended) due date; 0 or less is on time.
        public var secondsLate: Double
        public var penalty: Double
        public var final: Double
        /// "on time", "3 h 20 min late (1 day)", "after the cutoff", "no submission time".
        public var note: String

        public init(secondsLate: Double, penalty: Double, final: Double, note: String) {
            (self.secondsLate, self.penalty, self.final, self.note) = (secondsLate, penalty, final, note)
        }
    }

    /// The policy applied to a raw score. `submitted` nil (no time known): no penalty, and the
    /// note says so, so a TA sees whom the policy could not judge.
    public func apply(raw: Double, maximum: Double, submitted: Date?, extension extended: Extension?) throws -> Outcome {
        guard let submitted else { return Outcome(secondsLate: 0, penalty: 0, final: raw, note: "no submission time") }
        let originalDue = try Self.date(due, timezone: timezone)
        let dueDate = try extended.map { try $0.due(after: originalDue, timezone: timezone) } ?? originalDue
        let shift = dueDate.timeIntervalSince(originalDue)
        let late = submitted.timeIntervalSince(dueDate)
        let extensionNote = extended == nil ? "" : " (extended to \(Self.describe(dueDate, timezone: timezone)))"
        if let cutoff, submitted.timeIntervalSince(try Self.date(cutoff, timezone: timezone).addingTimeInterval(shift)) > 0 {
            return Outcome(secondsLate: late, penalty: raw, final: 0, note: "after the cutoff\(extensionNote): 0")
        }
        guard late > (graceMinutes ?? 0) * 60 else {
            return Outcome(secondsLate: max(late, 0), penalty: 0, final: raw, note: (late > 0 ? "within the grace period" : "on time") + extensionNote)
        }
        guard let penalty else { return Outcome(secondsLate: late, penalty: 0, final: raw, note: "\(Self.duration(late)) late, no penalty\(extensionNote)") }
        let unit: Double = penalty.per == "hour" ? 3_600 : 86_400
        let units = (late / unit).rounded(.up)
        let perUnit = penalty.points ?? (penalty.percent ?? 0) / 100 * maximum
        let lowest = min(raw, (penalty.lowestPercent ?? 0) / 100 * maximum)
        let final = max(raw - units * perUnit, lowest)
        let unitName = penalty.per == "hour" ? "hour" : "day"
        return Outcome(secondsLate: late, penalty: raw - final, final: final,
                       note: "\(Self.duration(late)) late (\(Int(units)) \(unitName)\(units == 1 ? "" : "s"))\(extensionNote)")
    }

    /// A student's extension: a new due date, or hours added to the rubric's.
    public enum Extension: Equatable, Sendable {
        case until(String)
        case hours(Double)

        func due(after original: Date, timezone: String) throws -> Date {
            switch self {
            case .until(let text): return try Deadline.date(text, timezone: timezone)
            case .hours(let hours): return original.addingTimeInterval(hours * 3_600)
            }
        }
    }

    /// Why the deadline cannot be used, or nil.
    public func problem() -> String? {
        guard TimeZone(identifier: timezone) != nil else {
            return "deadline.timezone '\(timezone)' is not a time zone: give an IANA name such as America/Toronto or UTC"
        }
        for (key, value) in [("due", due), ("cutoff", cutoff)] {
            guard let value else { continue }
            if (try? Self.date(value, timezone: timezone)) == nil {
                return "deadline.\(key) '\(value)' is not a date and time: write it as 2026-12-10T23:59 (in deadline.timezone) or with an offset, 2026-12-10T23:59-05:00"
            }
        }
        if let cutoff, let end = try? Self.date(cutoff, timezone: timezone), let start = try? Self.date(due, timezone: timezone), end < start {
            return "deadline.cutoff \(cutoff) is before deadline.due \(due)"
        }
        if let grace = graceMinutes, !(grace >= 0) { return "deadline.graceMinutes is \(grace): give 0 or more minutes" }
        if let penalty {
            guard ["day", "hour"].contains(penalty.per) else { return "deadline.penalty.per is '\(penalty.per)': use day or hour" }
            guard (penalty.percent == nil) != (penalty.points == nil) else {
                return "deadline.penalty needs exactly one of percent (of the maximum, per \(penalty.per)) and points (per \(penalty.per))"
            }
            for value in [penalty.percent, penalty.points].compactMap({ $0 }) where !(value >= 0) {
                return "deadline.penalty takes \(value) per \(penalty.per): give 0 or more"
            }
            if let lowest = penalty.lowestPercent, !(0...100).contains(lowest) { return "deadline.penalty.lowestPercent is \(lowest): give 0 to 100" }
        }
        return nil
    }

    /// `text` as a date: with an offset (ISO 8601, or Gradescope's "2026-12-10 23:59:00 -0500"), else local to `timezone`.
    public static func date(_ text: String, timezone: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let zone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")!
        let formats = ["yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd HH:mm:ss Z", "yyyy-MM-dd HH:mm:ssXXXXX",
                       "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"]
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        throw DeadlineError.notADate(text)
    }

    static func describe(_ date: Date, timezone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timezone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// "2 d 3 h", "3 h 20 min", "12 min".
    static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        let (days, hours, rest) = (minutes / 1_440, minutes % 1_440 / 60, minutes % 60)
        if days > 0 { return "\(days) d \(hours) h" }
        return hours > 0 ? "\(hours) h \(rest) min" : "\(rest) min"
    }
}

public enum DeadlineError: Error, Equatable, CustomStringConvertible {
    case notADate(String)
    public var description: String {
        switch self {
        case .notADate(let text): return "'\(text)' is not a date and time (write 2026-12-10T23:59, or with an offset)"
        }
    }
}
