// swift-tools-version:6.0
// The grading harness. Data flows one way:
// submission folder → compile (swiftc) → worker process (dlopen, checks) → results → score → reports.
import PackageDescription

let package = Package(
    name: "Grader",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "grader", targets: ["grader"]),
        .executable(name: "dispatch", targets: ["dispatch"]),
    ],
    dependencies: [
        // The contracts, shared as one dynamic library by the grader, the worker and submissions.
        .package(path: "ExerciseKit"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SQLite for the batch gradebook (resumable state).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256 for content hashes and build-cache keys.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // YAML, for the CSC321 exercise's architecture configs (read by the judge).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: System libraries
        /// libzip (Debian: libzip-dev), for submissions' zips and numpy's .npz files.
        .systemLibrary(name: "CLibzip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        /// Zip reading with real byte limits, zip writing, .npy/.npz arrays.
        .target(name: "Archive", dependencies: ["CLibzip"]),

        // MARK: Model
        /// Pure value types: check results, outcomes, catastrophic failures, worker messages. No I/O.
        .target(name: "GradingModel"),
        /// Rubric files (groups, weights, limits) decoded and validated.
        .target(name: "Rubric", dependencies: ["GradingModel"]),

        // MARK: Running student code
        /// The exercise's test groups as checks over a SubmissionRegistry; KS test, tolerances.
        .target(name: "Checks", dependencies: [
            "GradingModel", "Archive", "Rubric", "RemoteObjects", .product(name: "ExerciseKit", package: "ExerciseKit"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: [
            // The oracles verify every training iteration in the judge: optimised even in a debug
            // build (the tests'), or a verified training takes minutes.
            .unsafeFlags(["-O"], .when(configuration: .debug)),
        ]),
        /// The binary, framed, validated protocol between the judge and the worker (calls on objects).
        .target(name: "RemoteObjects", dependencies: [.product(name: "ExerciseKit", package: "ExerciseKit")]),
        /// The untrusted side: dlopen a compiled submission, check its ABI, execute calls on its objects.
        /// It needs no checks: the trainings too are driven by the judge, which sends call plans.
        .target(name: "Worker", dependencies: ["GradingModel", "RemoteObjects", "CProcess", "CKernels", .product(name: "ExerciseKit", package: "ExerciseKit")]),
        /// The trusted side: run the checks against proxies of the worker's objects, and decide.
        .target(name: "Judge", dependencies: ["Checks", "GradingModel", "RemoteObjects", "PluginHost", .product(name: "ExerciseKit", package: "ExerciseKit")]),
        /// The worker's summing loop compiled for AVX2 too (Swift targets baseline x86-64 only).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        /// pipe2 and posix_spawn's closefrom, which Swift's Glibc module does not import.
        .target(name: "CProcess"),
        /// The host side: compile a submission with swiftc, spawn and supervise judges and workers.
        .target(name: "PluginHost", dependencies: [
            "GradingModel", "Rubric", "CProcess", "RemoteObjects", .product(name: "Crypto", package: "swift-crypto"),
        ]),

        /// Submissions as folders or zips: safe unpacking, layout (required files), the dispatch zip.
        .target(name: "Intake", dependencies: ["Archive", "Rubric", "PluginHost", "GradingModel"]),

        /// Grading one submission (compile, supervised checks, differential hidden tests), the
        /// sandbox, and TA batch grading with its SQLite state and reports.
        .target(name: "Batch", dependencies: [
            "Checks", "Intake", "PluginHost", "Rubric", "Scoring", "Reports", "GradingModel",
            .product(name: "ExerciseKit", package: "ExerciseKit"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        /// `grader audit`: mutants of the reference, and what grading them says of a rubric.
        .target(name: "Audit", dependencies: ["GradingModel"]),

        // MARK: Results
        /// Points per group and the exercise's bonus table arithmetic.
        .target(name: "Scoring", dependencies: ["GradingModel", "Rubric"]),
        /// Terminal table, text report and Gradescope results.json.
        .target(name: "Reports", dependencies: ["GradingModel", "Scoring", "Rubric"]),

        // MARK: Commands
        /// Every ParsableCommand: grader run / worker / list, dispatch.
        .target(name: "GraderCommands", dependencies: [
            "PluginHost", "Worker", "Judge", "Checks", "Scoring", "Reports", "Rubric", "GradingModel", "Archive", "Intake", "Batch", "Audit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "grader", dependencies: ["GraderCommands", "PluginHost"]),
        .executableTarget(name: "dispatch", dependencies: ["GraderCommands"]),

        // MARK: Tests
        .testTarget(name: "GraderTests", dependencies: [
            // `grader` is built for the integration tests, which start real workers.
            "grader", "GraderCommands", "PluginHost", "Checks", "Scoring", "Reports", "Rubric", "GradingModel", "Worker", "Judge", "RemoteObjects", "Archive", "Intake", "Batch", "Audit",
            .product(name: "ExerciseKit", package: "ExerciseKit"),
        ]),
    ]
)

// MARK: Staff tools
// `grader-similarity` parses every submission with swift-syntax, whose release build takes
// minutes: it is its own product, left out of students' kits and Gradescope autograders (which
// copy this manifest up to here), so only a course's staff build it (`make build` does).
package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"))
package.products.append(.executable(name: "grader-similarity", targets: ["grader-similarity"]))
package.targets += [
    /// Code similarity across a course: swift-syntax tokens, winnowed fingerprints, pairs, clusters.
    .target(name: "Similarity", dependencies: [
        "Archive", "Intake", "Reports",
        .product(name: "SwiftParser", package: "swift-syntax"), .product(name: "SwiftSyntax", package: "swift-syntax"),
    ]),
    .executableTarget(name: "grader-similarity", dependencies: [
        "Similarity", "Intake", "PluginHost", "Reports", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
]
for target in package.targets where target.name == "GraderTests" {
    target.dependencies += ["Similarity", "grader-similarity"]
}
