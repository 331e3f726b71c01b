import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files a student must never read. The tests plant the first two, readable by everyone; the
/// others are in the checkout the grader was built from (found through the worker's own binary).
func canaries() -> [String] {
    var paths = ["/var/tmp/grader-canary/rubric/course-hidden.json", "/home/grader-canary/secret.txt", "/root/.ssh/id_rsa"]
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<4 {
            paths += [folder.appendingPathComponent("rubric/course-hidden.json").path,
                      folder.appendingPathComponent("reference/Sources/Submission/Exercise2/Conv.swift").path]
            folder.deleteLastPathComponent()
        }
    }
    return paths
}

/// "Escaped" when any canary can be read.
func attackOnce() -> Bool {
    let read = canaries().filter { FileManager.default.contents(atPath: $0) != nil }
    print("canary-read: read \(read)")
    return !read.isEmpty
}

/// The attack runs once per worker (the first optimizer call); later calls answer from it, so
/// the fixture tests its limit rather than the time budget.
let attackOutcome = attackOnce()
func containmentProbe() -> Bool { attackOutcome }
