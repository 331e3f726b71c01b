// swift-tools-version:6.0
// Your submission. Implement the types in Sources/Submission/; keep Registration.swift.
// The grader never runs this manifest: it compiles Sources/Submission/*.swift itself. The manifest exists so the
// package builds and opens in an editor like a student's (`swift build`).
import PackageDescription

let package = Package(
    name: "Submission",
    products: [.library(name: "Submission", type: .dynamic, targets: ["Submission"])],
    dependencies: [.package(path: "../../ExerciseKit")],
    targets: [
        .target(name: "Submission", dependencies: [.product(name: "ExerciseKit", package: "ExerciseKit")])
    ]
)
