// swift-tools-version:6.0
// ExerciseKit: the contracts students implement. Its own package with a *dynamic* library
// product, so the grader, the worker and every loaded submission share one copy of the type
// metadata (linked statically twice, `as? Layer` silently fails; see docs/DECISIONS.md).
import PackageDescription

let package = Package(
    name: "ExerciseKit",
    products: [
        .library(name: "ExerciseKit", type: .dynamic, targets: ["ExerciseKit"])
    ],
    targets: [
        // Tensor, the seeded random source, the exercise protocols and the submission registry.
        .target(name: "ExerciseKit"),
    ]
)
