import GradingModel

/// One exercise as a unit of the code: everything the harness knows about it is declared here,
/// once, and every table that used to be keyed by group-name strings (rubric validation, the
/// kit's data files, dispatch's submitted files, the trainings, help texts) reads it.
public struct Exercise: Sendable {
    /// The rubric's `"exercise"` value ("Ex2", "HW5", "Modular").
    public let name: String
    public let title: String
    /// Its folder in the reference's and the skeleton's `Sources/Submission/`, whose
    /// `<folder>Registration.swift` defines `register<folder>(_:)`: a handout holds only this folder.
    public let folder: String
    /// The bundled rubrics of this exercise (`rubric/<name>.json`), the public one first.
    public let rubrics: [String]
    /// The groups in the exercise's order.
    public let groups: [ExerciseGroup]
    /// The hidden groups that compare a submission with the reference. Their checks are the
    /// harness's own implementation (`Oracles/`, not in a student's kit), so only names here.
    public let probes: [String]
    /// The exercise's stated requirements, each with the checks that fail when it is violated
    /// (the audit's table of what a rubric leaves unchecked).
    public let requirements: [Requirement]

    public init(name: String, title: String, folder: String, rubrics: [String], groups: [ExerciseGroup], probes: [String] = [],
                requirements: [Requirement] = []) {
        self.name = name
        self.title = title
        self.folder = folder
        self.rubrics = rubrics
        self.groups = groups
        self.probes = probes
        self.requirements = requirements
    }
}

/// A check group and what it needs beyond the submission's code.
public struct ExerciseGroup: Sendable {
    public let checks: CheckGroup
    /// Data files it reads, relative to the rubric's data folder.
    public let dataFiles: [String]
    /// The file of the submission it grades (trained weights), if any.
    public let submittedFile: String?
    /// The judge verifies and scores it with the harness's own implementation as it runs (a
    /// training, trained weights), so a kit, which has none, records no answers for it.
    public let judgedLive: Bool
    /// In `grader list` and rubric suggestions (false: a benchmark no rubric grades).
    public let listed: Bool

    public init(_ checks: CheckGroup, reads dataFiles: [String] = [], grades submittedFile: String? = nil,
                judgedLive: Bool = false, listed: Bool = true) {
        self.checks = checks
        self.dataFiles = dataFiles
        self.submittedFile = submittedFile
        self.judgedLive = judgedLive
        self.listed = listed
    }

    public var name: String { checks.name }
}

extension Exercise {
    /// Every declared exercise: adding one is adding it here (and its folder).
    public static let all: [Exercise] = [exercise2, hw5, modular, csc321, tf2CNN]

    /// The bundled rubrics' names, for help texts ("exercise2, course-hidden, hw5, …").
    public static var bundledRubrics: String { all.flatMap(\.rubrics).joined(separator: ", ") }

    /// The public rubrics' names (each exercise's first).
    public static var publicRubrics: String { all.compactMap(\.rubrics.first).joined(separator: ", ") }

    /// The exercise named `name` in a rubric.
    public static func named(_ name: String) -> Exercise? { all.first { $0.name == name } }

    /// The exercise that declares group `name` (a probe included).
    public static func declaring(group name: String) -> Exercise? {
        all.first { $0.groups.contains { $0.name == name } || $0.probes.contains(name) }
    }

    /// What makes a set of declarations unusable, one line each: a group or probe name declared
    /// twice (in one exercise or two, where a lookup by name would silently take the first), a
    /// probe the oracles do not implement, or an oracle's probe no exercise declares.
    static func declarationProblems(_ exercises: [Exercise], oracleProbes: [String]?) -> [String] {
        var problems: [String] = []
        var owner: [String: String] = [:]
        for exercise in exercises {
            if exercises.filter({ $0.name == exercise.name }).count > 1, !problems.contains(where: { $0.hasPrefix("exercise '\(exercise.name)'") }) {
                problems.append("exercise '\(exercise.name)' is declared twice")
            }
            for name in exercise.groups.map(\.name) + exercise.probes {
                if let first = owner[name] {
                    problems.append("group '\(name)' is declared by \(first == exercise.name ? "\(first) twice" : "both \(first) and \(exercise.name)"): rename one (a rubric names groups, and one name must mean one group)")
                } else {
                    owner[name] = exercise.name
                }
            }
        }
        if let oracleProbes {
            let declared = Set(exercises.flatMap(\.probes))
            for probe in exercises.flatMap(\.probes) where !oracleProbes.contains(probe) {
                problems.append("probe '\(probe)' of \(owner[probe] ?? "?") has no checks in the oracles (LiveOracles.differentialGroups)")
            }
            for probe in oracleProbes where !declared.contains(probe) {
                problems.append("the oracles' probe '\(probe)' belongs to no exercise: add it to its exercise's probes")
            }
        }
        return problems
    }
}
