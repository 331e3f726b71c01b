import Foundation
import Scoring

/// The exercise's Bonus-mode table, as `NeuralNetworkTests.py Bonus` prints it (tabulate, github
/// format). Quirk kept from the original: the exam column shows the group's share even on FAIL.
public enum BonusTable {
    public static let banner = "=========================== Statistics ==============================="

    public static func render(_ sheet: ScoreSheet) -> String {
        let headers = ["Pos", "Test", "Result", "Percent in Exercise", "Percent in Exam"]
        var rows: [[String]] = sheet.scoredGroups.enumerated().map { index, group in
            [
                "\(index)", group.name + (group.extraCredit ? " (extra credit)" : ""), group.passed ? "OK" : "FAIL",
                "\(number(group.earned)) / \(number(group.percent)) (%)",
                "\(exam(group.percent * sheet.examPercentage / 100)) / 10 (%)",
            ]
        }
        rows.append(["", "", "", "", ""])
        rows.append([
            sheet.exercise, "Total Achieved", "", "\(number(sheet.total)) / \(number(sheet.maximum)) (%)",
            "\(exam(sheet.examTotal)) / 10 (%)",
        ])
        // tabulate: a column is as wide as its widest value, and at least its header plus 2.
        let widths = headers.indices.map { column in
            max(headers[column].count + 2, rows.map { $0[column].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        let separator = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([banner, line(headers), separator] + rows.map(line)).joined(separator: "\n")
    }

    /// 8 → "8", 2.5 → "2.5".
    static func number(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : String(format: "%g", value)
    }

    static func exam(_ value: Double) -> String { String(format: "%.3f", value) }
}
