import Foundation
import GradingModel

/// A rubric: which groups are graded, what each is worth, and the limits checks run under.
///
/// Stored as JSON in `rubric/` (documented key by key in `docs/rubric-format.md`).
public struct Rubric: Codable, Sendable, Equatable {
    /// The label of the total row, e.g. `Ex2`.
    public var exercise: String
    /// A human title for reports.
    public var title: String
    /// The exam share of the whole exercise: 100 % of the exercise is worth this many exam points (3).
    public var examPercentage: Double
    /// Groups in table order.
    public var groups: [Group]
    /// Time and memory limits for the worker.
    public var limits: Limits
    /// The seed every check starts from (the Python tests' `np.random.seed(1337)`).
    public var seed: UInt32
    /// The submission's expected layout (`dispatch`, `grader check`).
    public var submission: Layout?
    /// Limits for unpacking zips.
    public var intake: Intake?
    /// The folder of the data sets checks read (Iris, digits); relative paths are resolved
    /// against the rubric file's folder when loaded. Default: `data` beside the rubric.
    public var dataDirectory: String?
    /// What the scored groups' percentages must add up to: 100 unless stated (a course that adds
    /// 20 % of hidden tests on top says 120). A typo in one group's percent is refused.
    public var totalPercent: Double?
    /// The bundled rubric students have (`exercise2`, `hw5`): feedback's reproduce lines name it,
    /// never the TA's own (hidden) rubric file.
    public var publicRubric: String?
    /// The due date and late policy (`Deadline`); none: every submission counts as on time.
    public var deadline: Deadline?

    /// One scored (or diagnostic) group of checks.
    public struct Group: Codable, Sendable, Equatable {
        /// The group's name as in the exercise, e.g. `TestConv`.
        public var name: String
        /// Percent of the exercise it is worth; 0 for a diagnostic group.
        public var percent: Double
        /// Checks of this group to run; empty means all of them.
        public var checks: [String]?
        /// A diagnostic group: run and reported, never scored, not in the points table.
        public var diagnostic: Bool?
        /// Numbers the group's checks read: iterations, thresholds, learning rates, …
        public var parameters: [String: Double]?
        /// Compare the submission's outputs with the reference's on the same inputs (hidden tests).
        public var differential: Bool?
        /// Who sees the group's results: Gradescope's `visible` (default), `hidden`, `after_due_date`.
        public var visibility: String?
        /// Extra credit: its points add to the total earned but not to the maximum (nor to `totalPercent`).
        public var extraCredit: Bool?

        public init(name: String, percent: Double, checks: [String]? = nil, diagnostic: Bool? = nil) {
            self.name = name
            self.percent = percent
            self.checks = checks
            self.diagnostic = diagnostic
        }

        /// True for groups that are reported but not scored.
        public var isDiagnostic: Bool { diagnostic ?? false }
        public var isExtraCredit: Bool { extraCredit ?? false }
    }

    /// What a submission must contain: files for `dispatch` and `grader check`, and contracts it
    /// must register.
    public struct Layout: Codable, Sendable, Equatable {
        /// File names (matched case-insensitively anywhere in the folder) that must be present.
        public var requiredFiles: [String]
        /// Files packed when present (trained weights).
        public var optionalFiles: [String]?
        /// Contracts the registry must provide (`grader list` names), e.g. `Conv`, `Functional`.
        public var requiredContracts: [String]?

        public init(requiredFiles: [String], optionalFiles: [String]? = nil, requiredContracts: [String]? = nil) {
            self.requiredFiles = requiredFiles
            self.optionalFiles = optionalFiles
            self.requiredContracts = requiredContracts
        }
    }

    /// Limits for unpacking a submitted zip (defaults: 1,000 entries, 10 MiB an entry, 50 MiB in
    /// total, compression ratio 100:1).
    public struct Intake: Codable, Sendable, Equatable {
        public var maxEntries: Int?
        public var maxEntryBytes: Int?
        public var maxTotalBytes: Int?
        public var maxCompressionRatio: Double?
    }

    /// Limits the host enforces on workers.
    public struct Limits: Codable, Sendable, Equatable {
        /// Wall time one check may take before its worker is killed.
        public var checkTimeoutSeconds: Double
        /// Wall time the compiler may take.
        public var compileTimeoutSeconds: Double
        /// Address-space limit of a worker, in MiB.
        public var memoryMiB: Int
        /// CPU-time limit of a worker, in seconds.
        public var cpuSeconds: Int
        /// Memory for the submission's whole process tree (compiler, worker, what they fork, their
        /// /tmp), in MiB, where control groups are available. Default 4096.
        public var submissionMemoryMiB: Int?
        /// Processes and threads of the submission's whole tree at once. Default 256.
        public var processes: Int?
        /// Disk for the work folder and /tmp together, in MiB. Default 512.
        public var diskMiB: Int?
        /// Wall time for all of one submission's checks (loading included, compiling not): when it
        /// is used up, the remaining checks are reported as not run. Default 300.
        public var submissionSeconds: Double?

        public var treeMemoryMiB: Int { submissionMemoryMiB ?? 4096 }
        public var processLimit: Int { processes ?? 256 }
        public var diskLimitMiB: Int { diskMiB ?? 512 }
        public var submissionBudgetSeconds: Double { submissionSeconds ?? 300 }

        public init(checkTimeoutSeconds: Double = 10, compileTimeoutSeconds: Double = 180,
                    memoryMiB: Int = 4096, cpuSeconds: Int = 900) {
            self.checkTimeoutSeconds = checkTimeoutSeconds
            self.compileTimeoutSeconds = compileTimeoutSeconds
            self.memoryMiB = memoryMiB
            self.cpuSeconds = cpuSeconds
        }
    }

    public init(exercise: String, title: String, examPercentage: Double, groups: [Group],
                limits: Limits = Limits(), seed: UInt32 = 1337) {
        self.exercise = exercise
        self.title = title
        self.examPercentage = examPercentage
        self.groups = groups
        self.limits = limits
        self.seed = seed
    }

    /// The group named `name`, if the rubric has it.
    public func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// The groups among `selected` (all, when empty) that compare with the reference: a run,
    /// a batch or an autograder without `--reference` cannot grade them.
    public func differentialGroups(among selected: [String] = []) -> [String] {
        groups.filter { $0.differential == true && (selected.isEmpty || selected.contains($0.name)) }.map(\.name)
    }
}

/// Why a rubric file could not be used.
public enum RubricError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case notFound(searched: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read rubric \(path): \(reason)"
        case .invalid(let path, let reason): return "rubric \(path) is invalid: \(reason)"
        case .notFound(let searched):
            return "no rubric found (looked for \(searched.joined(separator: ", "))): pass --rubric FILE"
        }
    }
}

extension Rubric {
    /// Reads and validates a rubric file.
    public static func load(from path: String, validating: Bool = true) throws -> Rubric {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RubricError.unreadable(path: path, reason: "no such file or not readable")
        }
        // Foundation reports a number that does not fit its type as "not valid JSON": look first.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let seed = object["seed"] as? NSNumber,
           !(seed.doubleValue >= 0 && seed.doubleValue <= Double(UInt32.max) && seed.doubleValue == seed.doubleValue.rounded()) {
            throw RubricError.invalid(path: path, reason: "'seed' must be a whole number from 0 to 4294967295, not \(seed)")
        }
        let rubric: Rubric
        do {
            rubric = try JSONDecoder().decode(Rubric.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RubricError.invalid(path: path, reason: "missing key '\(Rubric.keyPath(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(type, context) {
            throw RubricError.invalid(path: path, reason: "wrong type at '\(Rubric.keyPath(context.codingPath))': expected \(Rubric.describe(type))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // A number that does not fit, e.g. a negative seed.
            let key = Rubric.keyPath(context.codingPath)
            throw RubricError.invalid(path: path, reason: key == "seed"
                ? "'seed' must be a whole number from 0 to 4294967295"
                : "'\(key)' has a value out of range (\(context.debugDescription))")
        } catch {
            throw RubricError.invalid(path: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        if validating { try rubric.validate(path: path) }
        var resolved = rubric
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let dataFolder = rubric.dataDirectory ?? "data"
        resolved.dataDirectory = dataFolder.hasPrefix("/")
            ? dataFolder : folder.appendingPathComponent(dataFolder).standardizedFileURL.path
        if let extensions = rubric.deadline?.extensions, !extensions.hasPrefix("/") {
            resolved.deadline?.extensions = folder.appendingPathComponent(extensions).standardizedFileURL.path
        }
        return resolved
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Double.Type, is Int.Type, is UInt32.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(type)".contains("Array") ? "a list" : "an object"
        }
    }

    private static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Everything that can be checked without the check catalog: unique groups, points that add up
    /// to the stated total, shares and limits in range. Each refusal names the key and the fix.
    public func validate(path: String) throws {
        func invalid(_ reason: String) -> RubricError { .invalid(path: path, reason: reason) }
        guard !groups.isEmpty else { throw invalid("'groups' is empty: list at least one group (see docs/rubric-format.md)") }
        guard examPercentage.isFinite, examPercentage >= 0 else {
            throw invalid("'examPercentage' is \(examPercentage): give the exam points the whole exercise is worth (0 or more)")
        }
        var seen = Set<String>()
        for (index, group) in groups.enumerated() {
            let key = "groups[\(index)] (\(group.name))"
            guard seen.insert(group.name).inserted else {
                throw invalid("group '\(group.name)' appears twice")
            }
            guard !group.isDiagnostic || group.percent == 0 else {
                throw invalid("diagnostic group '\(group.name)' must have percent 0")
            }
            guard !(group.isDiagnostic && group.isExtraCredit) else {
                throw invalid("group '\(group.name)' is both diagnostic and extra credit: keep one")
            }
            if let visibility = group.visibility, !["visible", "hidden", "after_due_date", "after_published"].contains(visibility) {
                throw invalid("group '\(group.name)' has visibility '\(visibility)'; use visible, hidden, after_due_date or after_published")
            }
            guard group.percent.isFinite, group.percent >= 0 else {
                throw invalid("group '\(group.name)' has negative percent \(group.percent)")
            }
            if let checks = group.checks, checks.isEmpty {
                throw invalid("\(key).checks is empty: leave 'checks' out to run all of the group's checks")
            }
            for (name, value) in group.parameters ?? [:] {
                guard value.isFinite, value >= 0 else { throw invalid("\(key).parameters.\(name) is \(value): parameters are 0 or more") }
                if name.lowercased().hasSuffix("threshold"), value > 1 {
                    throw invalid("\(key).parameters.\(name) is \(value): an accuracy threshold is a fraction from 0 to 1 (0.85, not 85)")
                }
            }
        }
        let scored = groups.filter { !$0.isDiagnostic && !$0.isExtraCredit }.reduce(0) { $0 + $1.percent }
        let total = totalPercent ?? 100
        guard abs(scored - total) < 1e-9 else {
            throw invalid("the scored groups' percentages add up to \(Rubric.number(scored)), not \(Rubric.number(total)): "
                + (totalPercent == nil ? "fix a group's percent, or state \"totalPercent\": \(Rubric.number(scored)) if the exercise is worth more than 100 %"
                                       : "fix a group's percent or 'totalPercent'"))
        }
        guard limits.checkTimeoutSeconds > 0, limits.compileTimeoutSeconds > 0, limits.memoryMiB >= 256, limits.cpuSeconds > 0,
              limits.treeMemoryMiB >= 256, limits.processLimit >= 16, limits.diskLimitMiB >= 16, limits.submissionBudgetSeconds > 0 else {
            throw invalid("limits must be positive, memoryMiB and submissionMemoryMiB at least 256, processes and diskMiB at least 16")
        }
        if let problem = deadline?.problem() { throw invalid(problem) }
        if let intake {
            for (key, value) in [("maxEntries", intake.maxEntries.map(Double.init)), ("maxEntryBytes", intake.maxEntryBytes.map(Double.init)),
                                 ("maxTotalBytes", intake.maxTotalBytes.map(Double.init)), ("maxCompressionRatio", intake.maxCompressionRatio)] {
                if let value, !(value >= 1) {
                    throw invalid("intake.\(key) is \(Rubric.number(value)): it must be at least 1 (leave it out for the default)")
                }
            }
        }
    }

    static func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)" }

    /// A rubric with hidden groups must not draw its inputs with its public rubric's seed: students
    /// run the public rubric, so they would know every input the hidden checks use. Nil when the
    /// seeds differ, or when there is nothing hidden or no public rubric to compare with.
    public func sharedSeedProblem(executable: String) -> String? {
        guard groups.contains(where: { $0.differential == true || $0.visibility == "hidden" }), let publicRubric,
              let publicPath = Rubric.locateDefault(named: publicRubric + ".json", executable: executable),
              let publicOne = try? Rubric.load(from: publicPath, validating: false), publicOne.seed == seed else { return nil }
        return "'seed' is \(seed), the same as the public rubric \(publicRubric)'s: students would know the hidden checks' inputs; choose another seed for the hidden rubric"
    }

    /// A `--rubric` value: a path to a file, or the name of a bundled rubric (`hw5`, `exercise2.json`)
    /// found as `locateDefault` finds the default one, from any folder. Unchanged when neither exists
    /// (loading then names the path).
    public static func resolve(_ nameOrPath: String, executable: String) -> String {
        if FileManager.default.fileExists(atPath: nameOrPath) || nameOrPath.contains("/") { return nameOrPath }
        let file = nameOrPath.hasSuffix(".json") ? nameOrPath : nameOrPath + ".json"
        return locateDefault(named: file, executable: executable) ?? nameOrPath
    }

    /// Finds the default rubric: `$GRADER_HOME/rubric/<name>`, then `rubric/<name>` in the current
    /// folder or any folder above the grader executable (the repository, for a source checkout).
    public static func locateDefault(named name: String = "exercise2.json", executable: String) -> String? {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["GRADER_HOME"] {
            candidates.append("\(home)/rubric/\(name)")
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/rubric/\(name)")
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            candidates.append(folder.appendingPathComponent("rubric/\(name)").path)
            folder.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
