import Foundation
import Rubric

/// What only the check catalog can tell about a rubric: group and check names that do not exist
/// (a typo would cost every student the group's points), hidden probes without their comparison
/// (which would pass everyone), and data sets the groups read that are not there.
extension CheckCatalog {
    /// Reads a rubric file and refuses it, naming the key and the fix, when any check would
    /// grade wrongly because of it.
    public static func loadRubric(from path: String) throws -> Rubric {
        let rubric = try Rubric.load(from: path)
        if let problem = problems(in: rubric).first { throw RubricError.invalid(path: path, reason: problem) }
        return rubric
    }

    /// The data files (relative to the data folder) group `name` reads.
    public static func dataFiles(of name: String) -> [String] {
        declared.first { $0.name == name }?.dataFiles ?? []
    }

    /// The groups that grade the submitted file `name` (trained weights).
    public static func groupsReading(file name: String) -> [String] {
        declared.filter { $0.submittedFile?.lowercased() == name.lowercased() }.map(\.name).sorted()
    }

    /// Every problem, in rubric order (empty when the rubric is sound).
    public static func problems(in rubric: Rubric) -> [String] {
        let probes = Set(CheckCatalog.differentialGroups)
        var problems: [String] = []
        guard let exercise = Exercise.named(rubric.exercise) else {
            let names = Exercise.all.map(\.name)
            return ["exercise '\(rubric.exercise)' is not an exercise of this grader\(suggestion(for: rubric.exercise, among: names)); its exercises are \(names.joined(separator: ", "))"]
        }
        let own = Set(exercise.groups.map(\.name) + exercise.probes)
        for (index, entry) in rubric.groups.enumerated() {
            let key = "groups[\(index)]"
            guard let group = group(named: entry.name) else {
                let known = exercise.groups.filter(\.listed).map(\.name)
                problems.append("\(key).name '\(entry.name)' is not a check group of \(exercise.name)\(suggestion(for: entry.name, among: known)); `grader list` lists them")
                continue
            }
            guard own.contains(entry.name) else {
                problems.append("\(key).name '\(entry.name)' is a group of \(Exercise.declaring(group: entry.name)?.name ?? "another exercise"), not of this rubric's \(exercise.name): set \"exercise\" to that exercise or remove the group")
                continue
            }
            let names = group.checks.map(\.name)
            for check in entry.checks ?? [] where !names.contains(check) {
                problems.append("\(key).checks: '\(check)' is not a check of \(entry.name)\(suggestion(for: check, among: names)); its checks are \(names.joined(separator: ", "))")
            }
            if probes.contains(entry.name), entry.differential != true {
                problems.append("\(key) (\(entry.name)) is a hidden probe: set \"differential\": true, or it is never compared with the reference and passes everyone")
            }
            if entry.differential == true, !probes.contains(entry.name) {
                problems.append("\(key) (\(entry.name)) has \"differential\": true but is not a probe (those are \(probes.sorted().joined(separator: ", "))): remove the key")
            }
            for file in dataFiles(of: entry.name) {
                let path = "\(rubric.dataDirectory ?? "data")/\(file)"
                if !FileManager.default.fileExists(atPath: path) {
                    problems.append("\(entry.name) reads \(path), which does not exist: set \"dataDirectory\" in the rubric to the grader's rubric/data folder (a relative path is read from the rubric's folder)")
                    break
                }
            }
        }
        return problems
    }

    /// ` (did you mean 'X'?)` for the closest name within a small edit distance, else "".
    static func suggestion(for name: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 4) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
