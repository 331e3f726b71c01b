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

    /// Data files each group reads, relative to the rubric's data folder.
    static let dataFiles: [String: [String]] = [
        "TestNeuralNetwork2": ["iris/iris.csv", "digits/digits.csv"],
        "trainMLP": ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"],
        "trainCNN": ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"],
        "submittedMLP": ["mnist14/mnist_test.npz"],
        "submittedCNN": ["mnist14/mnist_test.npz"],
        // The modular trainings: overfitting reads training images, convNetTrain both splits.
        "overfitSmallData": ["mnist14/mnist_train.npz"],
        "convNetOverfit": ["mnist14/mnist_train.npz"],
        "convNetTrain": ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"],
    ]

    /// The data files (relative to the data folder) group `name` reads.
    public static func dataFiles(of name: String) -> [String] { dataFiles[name] ?? [] }

    /// Files of the submission each group grades (trained weights).
    static let submittedFiles: [String: String] = ["submittedMLP": "mlp.npz", "submittedCNN": "cnn.npz"]

    /// The groups that grade the submitted file `name`.
    public static func groupsReading(file name: String) -> [String] {
        submittedFiles.filter { $0.value.lowercased() == name.lowercased() }.map(\.key).sorted()
    }

    /// Every problem, in rubric order (empty when the rubric is sound).
    public static func problems(in rubric: Rubric) -> [String] {
        let probes = Set(CheckCatalog.differentialGroups)
        var problems: [String] = []
        for (index, entry) in rubric.groups.enumerated() {
            let key = "groups[\(index)]"
            guard let group = group(named: entry.name) else {
                let known = groups.map(\.name).filter { $0 != ProtocolBenchmark.group.name }
                problems.append("\(key).name '\(entry.name)' is not a check group of this grader\(suggestion(for: entry.name, among: known)); `grader list` lists them")
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
            for file in dataFiles[entry.name] ?? [] {
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
