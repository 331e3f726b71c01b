import Foundation
@testable import Checks
import Rubric
import Testing

/// Issue 28, item 1: an exercise is one declaration (`Exercise`), and every table keyed by group
/// names reads it; a name that would mean two groups is refused before anything is graded.
@Suite struct ExerciseDeclarationTests {
    @Test func theCatalogIsTheUnionOfTheExercisesWithEveryNameOnce() throws {
        #expect(CheckCatalog.declarationProblems.isEmpty, "\(CheckCatalog.declarationProblems)")
        let declared = Exercise.all.flatMap { $0.groups.map(\.name) + $0.probes }
        #expect(Set(declared).count == declared.count)
        #expect(Set(CheckCatalog.groups.map(\.name)) == Set(declared), "the course's grader implements exactly the declared groups and probes")
        #expect(Set(CheckCatalog.differentialGroups) == Set(Exercise.all.flatMap(\.probes)))
    }

    /// Each bundled rubric names its exercise's groups only, and every data file a group
    /// declares is shipped (a group that reads an undeclared file fails here, not for a TA).
    @Test func everyBundledRubricBelongsToItsExercise() throws {
        for exercise in Exercise.all {
            for name in exercise.rubrics {
                let rubric = try CheckCatalog.loadRubric(from: "\(TestSupport.repository)/rubric/\(name).json")
                #expect(rubric.exercise == exercise.name, "rubric/\(name).json")
                let own = Set(exercise.groups.map(\.name) + exercise.probes)
                #expect(rubric.groups.allSatisfy { own.contains($0.name) }, "rubric/\(name).json")
            }
            for group in exercise.groups {
                for file in group.dataFiles {
                    #expect(FileManager.default.fileExists(atPath: "\(TestSupport.repository)/rubric/data/\(file)"), "\(group.name) reads \(file)")
                }
            }
        }
        #expect(CheckCatalog.groupsReading(file: "MLP.npz") == ["submittedMLP"])
        #expect(CheckCatalog.dataFiles(of: "convNetTrain") == ["mnist14/mnist_train.npz", "mnist14/mnist_test.npz"])
        #expect(Set(CheckCatalog.trainingGroups) == ["trainMLP", "trainCNN", "submittedMLP", "submittedCNN", "overfitSmallData", "convNetOverfit", "convNetTrain",
                                                     "csc321TrainMLP", "csc321TrainCNN", "tf2ShallowNetwork"])
    }

    /// Each exercise is one folder of the reference and of the skeleton, which registers its own
    /// types; the top Registration.swift only calls each folder's registration.
    @Test func eachExerciseIsOneFolderOfTheReferenceAndTheSkeleton() throws {
        for package in ["reference", "submissions/skeleton"] {
            let sources = "\(TestSupport.repository)/\(package)/Sources/Submission"
            let registration = try String(contentsOfFile: sources + "/Registration.swift", encoding: .utf8)
            for exercise in Exercise.all {
                let file = "\(sources)/\(exercise.folder)/\(exercise.folder)Registration.swift"
                #expect(try String(contentsOfFile: file, encoding: .utf8).contains("func register\(exercise.folder)(_ registry: SubmissionRegistry)"), "\(file)")
                #expect(registration.contains("register\(exercise.folder)(registry)"), "\(package)'s Registration.swift")
            }
            let loose = try FileManager.default.contentsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") }
            #expect(loose == ["Registration.swift"], "\(package): files outside an exercise's folder: \(loose)")
        }
    }

    @Test func aNameDeclaredTwiceOrAProbeWithoutChecksIsRefused() {
        let one = CheckGroup(name: "affine", checks: [])
        let first = Exercise(name: "A", title: "a", folder: "A", rubrics: [], groups: [ExerciseGroup(one)], probes: ["HiddenA"])
        let second = Exercise(name: "B", title: "b", folder: "B", rubrics: [], groups: [ExerciseGroup(one), ExerciseGroup(one)])
        let problems = Exercise.declarationProblems([first, second], oracleProbes: ["HiddenB"])
        #expect(problems == [
            "group 'affine' is declared by both A and B: rename one (a rubric names groups, and one name must mean one group)",
            "group 'affine' is declared by both A and B: rename one (a rubric names groups, and one name must mean one group)",
            "probe 'HiddenA' of A has no checks in the oracles (LiveOracles.differentialGroups)",
            "the oracles' probe 'HiddenB' belongs to no exercise: add it to its exercise's probes",
        ])
        #expect(Exercise.declarationProblems([first, first], oracleProbes: nil).first == "exercise 'A' is declared twice")
    }

    /// A rubric that mixes exercises is refused naming the group and the exercise it belongs to.
    @Test func aRubricNamingAnotherExercisesGroupIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID().uuidString).json").path
        try """
            {"exercise": "Ex2", "title": "t", "examPercentage": 3, "seed": 1,
             "groups": [{"name": "TestFlatten", "percent": 50}, {"name": "fc", "percent": 50}],
             "limits": {"checkTimeoutSeconds": 1, "compileTimeoutSeconds": 1, "memoryMiB": 1024, "cpuSeconds": 1}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RubricError.invalid(path: path, reason: "groups[1].name 'fc' is a group of HW5, not of this rubric's Ex2: set \"exercise\" to that exercise or remove the group")) {
            try CheckCatalog.loadRubric(from: path)
        }
        let unknown = path + ".unknown.json"
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"Ex2\"", with: "\"Ex3\"").write(toFile: unknown, atomically: true, encoding: .utf8)
        #expect(throws: RubricError.invalid(path: unknown, reason: "exercise 'Ex3' is not an exercise of this grader (did you mean 'Ex2'?); its exercises are Ex2, HW5, Modular, CSC321, TF2CNN")) {
            try CheckCatalog.loadRubric(from: unknown)
        }
    }
}
