import Foundation
import PluginHost
import Testing
@testable import Batch

/// Issue 27: where a default Docker container refuses namespaces (Gradescope), the grader's
/// container regime grades the hostile fixtures exactly as bubblewrap's sandbox does outside it,
/// and refuses to start while the hidden material is readable by the sandbox's users.
/// `scripts/docker-like-confinement.py` simulates the container (CI cannot run Docker).
@Suite(.serialized) struct ContainerRegimeTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("container-\(UUID().uuidString)").path
    static let confine = TestSupport.repository + "/scripts/docker-like-confinement.py"
    /// Root, bubblewrap working outside (the comparison), and the launcher's python3-seccomp.
    static let usable = BatchTests.sandboxUsable
        && (try? TestSupport.runCommand("/usr/bin/python3", ["-c", "import seccomp"]))?.code == 0

    /// Every fixture of the sample course but two: `slot-hog` sleeps through its 55 s backstop
    /// (the wall clock is the same in both regimes), and `canary-read` reads files the tests plant
    /// on this host readable by everyone, which a container's own file system does not hold (the
    /// hidden material it also tries is covered below and in HandoutTests' reader).
    static let fixtures: [String] = {
        let root = TestSupport.repository + "/Tests/Fixtures/hostile"
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted().filter { name in
            guard let data = FileManager.default.contents(atPath: "\(root)/\(name)/fixture.json"),
                  let spec = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return spec["course"] as? Bool ?? true
        }.filter { !["slot-hog", "canary-read"].contains($0) }
    }()

    /// The grader packed by make-dist (no sources beside it) and a hidden folder, root's alone,
    /// holding the rubric and the reference.
    static let setup: Result<(grader: String, rubric: String, reference: String), Error> = Result {
        let build = URL(fileURLWithPath: TestSupport.graderExecutable).deletingLastPathComponent().path
        let packed = try TestSupport.runCommand("/bin/bash", [TestSupport.repository + "/scripts/make-dist.sh", build, base + "/dist"])
        guard packed.code == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: packed.error]) }
        let grader = try #require(try FileManager.default.contentsOfDirectory(atPath: base + "/dist").first { $0.hasPrefix("grader-") && !$0.hasSuffix(".gz") })
        let hidden = base + "/hidden"
        try FileManager.default.createDirectory(atPath: hidden, withIntermediateDirectories: true)
        chmod(hidden, 0o700)
        let rubric = hidden + "/hidden.json"
        let batchRubric = try String(contentsOfFile: BatchTests.rubric, encoding: .utf8)
        try batchRubric.write(toFile: rubric, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: TestSupport.repository + "/reference", toPath: hidden + "/reference")
        return ("\(base)/dist/\(grader)/bin/grader", rubric, hidden + "/reference")
    }

    func batch(_ course: String, out: String, confined: Bool, rubric: String? = nil) throws -> (code: Int32, output: String, error: String) {
        let (grader, hiddenRubric, reference) = try Self.setup.get()
        let arguments = ["batch", "--no-similarity", course, "--rubric", rubric ?? hiddenRubric, "--reference", reference, "--jobs", "2", "--out", out]
        return try TestSupport.runCommand(confined ? Self.confine : grader, (confined ? [grader] : []) + arguments,
                                          environment: ["GRADER_CACHE": TestSupport.cacheDirectory])
    }

    /// The gradebook's rows without the reason column (it may word a limit differently).
    func grades(_ out: String) throws -> [String] {
        try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        }
    }

    @Test(.enabled(if: usable))
    func theHostileCourseGradesInAContainerAsInBubblewrapsSandbox() throws {
        let course = BatchTests.course("container-course", ["alice", "carol"] + Self.fixtures)
        let outside = try batch(course, out: Self.base + "/outside", confined: false)
        #expect(outside.code == 0, "\(outside.error.suffix(600))")
        let inside = try batch(course, out: Self.base + "/inside", confined: true)
        #expect(inside.code == 0, "\(inside.error.suffix(600))")
        let expected = try grades(Self.base + "/outside"), got = try grades(Self.base + "/inside")
        #expect(expected.count == Self.fixtures.count + 3, "a row per student: \(expected)")
        // disk-fill writes 512 MiB into bubblewrap's tmpfs inside a 1 s check, and the kernel's
        // time counts: on a loaded machine that check times out there (seen in a full test run),
        // while in the container it can create no file at all. Its container grade is its honest
        // part, the reference's: alice's points.
        let isDiskFill = { (row: String) in row.hasPrefix("disk-fill,") }
        #expect(got.filter { !isDiskFill($0) } == expected.filter { !isDiskFill($0) },
                "differs in the container regime: \(Set(got).subtracting(expected).sorted())")
        let alice = try #require(got.first { $0.hasPrefix("alice,") })
        #expect(got.first(where: isDiskFill) == "disk-fill" + alice.dropFirst("alice".count), "\(got.filter(isDiskFill))")

        let store = try BatchStore(path: Self.base + "/inside/grades.sqlite")
        let rows = try store.submissions()
        #expect(rows.allSatisfy { $0.containment?.hasPrefix("sandbox: CONTAINER") == true && $0.sandboxed == true }, "\(rows.map { $0.containment ?? "none" }.first ?? "")")
        #expect(rows.first?.containment?.contains("disk: the worker can create or write no file (seccomp") == true)
        // The output folder: the sandbox's users pass through to their work folders, see nothing.
        var info = stat()
        stat(Self.base + "/inside", &info)
        #expect(info.st_mode & 0o777 == 0o711)
        stat(Self.base + "/inside/results", &info)
        #expect(info.st_mode & 0o777 == 0o700)
        for file in ["grades.sqlite", "gradebook.csv", "junit.xml", "summary.md", "report.html"] {
            stat(Self.base + "/inside/" + file, &info)
            #expect(info.st_mode & 0o777 == 0o600, "\(file): everyone's grades and hidden tests' messages are root's alone")
        }
    }

    /// Without an allow-list, a hidden rubric readable by others would be read: the batch refuses
    /// to start, in one line naming the file and the chmod that fixes it.
    @Test(.enabled(if: usable))
    func hiddenMaterialReadableByOthersIsRefusedInAContainer() throws {
        let course = BatchTests.course("container-exposed", ["alice"])
        let exposed = Self.base + "/exposed.json"
        try String(contentsOfFile: BatchTests.rubric, encoding: .utf8).write(toFile: exposed, atomically: true, encoding: .utf8)
        chmod(exposed, 0o644)
        let run = try batch(course, out: Self.base + "/exposed-out", confined: true, rubric: exposed)
        #expect(run.code != 0)
        #expect(run.error.contains("in a container (no namespaces) file permissions are the sandbox's only boundary, and its users could read the rubric (\(exposed)): chmod -R o-rwx \(exposed)"), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: Self.base + "/exposed-out/gradebook.csv"), "no one was graded")
    }
}
