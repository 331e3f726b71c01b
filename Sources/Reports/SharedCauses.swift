import Foundation
import GradingModel

/// Failed checks that share one root cause: the same crash or hang site, the same function not
/// implemented, the same contract not registered, the same error of the worker. A report names
/// each such cause once and lists its checks on one line (issue 16: a skeleton's feedback was
/// 740–868 lines of one repeated cause); results.json keeps every check's own row.
public struct SharedCause: Equatable {
    /// 1-based, in order of the first check that has it.
    public var number: Int
    /// The cause in one line, e.g. `where: still running in Sgd.calculateUpdate(…) at Optimizers.swift:10 …`.
    public var title: String
    public var checks: [CheckResult]

    /// The causes that two or more of `results` share; a cause of one check is reported with it.
    public static func find(in results: [CheckResult]) -> [SharedCause] {
        var order: [String] = []
        var members: [String: [CheckResult]] = [:]
        var sampledLines: [String: [Int]] = [:]
        for result in results {
            guard let (key, line) = identify(result) else { continue }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(result)
            if let line, !(sampledLines[key] ?? []).contains(line) { sampledLines[key, default: []].append(line) }
        }
        return order.filter { members[$0]!.count > 1 }.enumerated().map { index, key in
            var title = key
            if let lines = sampledLines[key], let file = title.range(of: Self.hangFilePlaceholder) {
                title.replaceSubrange(file, with: ":" + lines.sorted().map(String.init).joined(separator: ","))
            }
            return SharedCause(number: index + 1, title: title, checks: members[key]!)
        }
    }

    /// Where a hang's line goes in its key: a hang is sampled at a random point of its loop, so two
    /// checks stuck in one loop can be sampled on two of its lines (CI saw `Flatten.swift:14` and
    /// `:15`); they share the function and file, and the title names every line seen.
    static let hangFilePlaceholder = ":<line>"

    /// A failure's cause key and, for a hang, the line it was sampled on.
    static func identify(_ result: CheckResult) -> (key: String, line: Int?)? {
        guard let key = key(of: result) else { return nil }
        guard let match = key.firstMatch(of: /still running in .* at [^ ]+(:(\d+)) after/) else { return (key, nil) }
        var generic = key
        generic.replaceSubrange(match.output.1.startIndex..<match.output.1.endIndex, with: hangFilePlaceholder)
        return (generic, Int(match.output.2))
    }

    /// The line that identifies a failure's cause, or nil for a failure of its own (a wrong value).
    static func key(of result: CheckResult) -> String? {
        guard result.status != .passed else { return nil }
        let lines = result.message.split(separator: "\n").map(String.init)
        // A located crash or hang: its site (the debug rerun's finding) is the cause.
        if let site = lines.first(where: { $0.hasPrefix("where:") }) {
            let what = lines.first.map { String($0.prefix { $0 != ":" }) } ?? "stopped"  // "crashed", "timed out"
            let runtime = lines.first(where: { $0.hasPrefix("runtime:") }).map { "; " + $0.dropFirst("runtime:".count).trimmingCharacters(in: .whitespaces) } ?? ""
            return "\(what): " + site.dropFirst("where:".count).trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: " (this check rerun on a debug build)", with: "") + runtime
        }
        guard let first = lines.first?.trimmingCharacters(in: .whitespaces), !first.isEmpty else { return nil }
        if first.hasPrefix("not implemented") || first.hasPrefix("expected: a registered ") { return first }
        // A crash, a time-out or a lost worker without a location: the same first line (signal and
        // method) is most likely the same fault.
        if result.status == .errored { return first }
        return nil
    }

    /// What every check of this cause collapses to in a group's listing.
    public func mention(_ names: [String]) -> String { "\(names.joined(separator: ", ")) → [\(number)]" }
}
