import Foundation
import PluginHost
import Testing
@testable import Batch

/// The containment fixtures (Tests/Fixtures/hostile: fork-memory, disk-fill, tmp-fill,
/// stderr-flood, slot-hog, environment-probe, descriptor-probe, canary-read; thread-flood and
/// thread-memory in a batch of their own) in a sandboxed batch
/// beside an honest student: each is stopped at its limit and says so, the honest grade and time
/// do not change, the grader stays small, and the host gets its memory and disk back.
@Suite(.serialized) struct ContainmentTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("containment-\(UUID().uuidString)").path
    static let probes = ["fork-memory", "disk-fill", "tmp-fill", "environment-probe", "descriptor-probe", "canary-read"]
    static let attackers = probes + ["stderr-flood", "slot-hog"]

    /// Small limits, so each attack reaches one quickly: 1 GiB for the tree, 256 MiB of disk, 30 s.
    static let rubric: String = {
        try? FileManager.default.createDirectory(atPath: base + "/rubric", withIntermediateDirectories: true)
        let path = base + "/rubric/containment.json"
        try? """
            {"exercise": "Ex2", "title": "containment test", "examPercentage": 3, "totalPercent": 25, "seed": 1337, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "TestOptimizers2", "percent": 8}, {"name": "TestFlatten", "percent": 2}, {"name": "TestPooling", "percent": 15}],
             "limits": {"checkTimeoutSeconds": 10, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600,
                        "submissionMemoryMiB": 1024, "processes": 128, "diskMiB": 256, "submissionSeconds": 30}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    /// Canaries planted where the old deny-list sandbox let students read: another folder of the
    /// host holding a hidden rubric, and a home folder; both readable by every user.
    static func plantCanaries() throws {
        for (folder, file) in [("/var/tmp/grader-canary/rubric", "course-hidden.json"), ("/home/grader-canary", "secret.txt")] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            try "a secret the sandbox must hide\n".write(toFile: "\(folder)/\(file)", atomically: true, encoding: .utf8)
            chmod("\(folder)/\(file)", 0o644)
        }
        chmod("/var/tmp/grader-canary", 0o755)
    }

    static func course(_ name: String, _ students: [String]) -> String {
        let folder = base + "/" + name
        let process = Process()
        process.standardOutput = FileHandle.nullDevice
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.repository + "/scripts/make-course.py", folder, "--only", students.joined(separator: ",")]
        try? process.run()
        process.waitUntilExit()
        return folder
    }

    /// Runs `grader batch` the way a TA's shell would: with extra open descriptors (10, 251) and a
    /// variable of the TA's, both of which must stay outside the sandbox; `user` runs it as another uid.
    static func batch(_ course: String, out: String, jobs: Int, user: UInt32? = nil, rubric: String = rubric) throws -> (code: Int32, error: String, pid: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")  // dash opens only descriptors 0–9
        let drop = user.map { "setpriv --reuid=\($0) --regid=\($0) --clear-groups " } ?? ""
        process.arguments = ["-c", "exec 10</etc/hostname 251</etc/hostname; exec \(drop)\"$0\" \"$@\"", TestSupport.graderExecutable,
                             "batch", "--no-similarity", course, "--rubric", rubric, "--jobs", "\(jobs)", "--out", out]
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        var environment = ProcessInfo.processInfo.environment
        environment["GRADER_TA_SECRET"] = "the TA's token"
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // `exec` keeps the pid: it is the grader's.
        return (process.terminationStatus, error, process.processIdentifier)
    }

    /// A line of /proc/meminfo in MiB (`MemAvailable`, `Shmem`: what tmpfs holds).
    static func meminfoMiB(_ key: String) -> Double {
        let text = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func diskFreeMiB(_ path: String) -> Double {
        var info = statvfs()
        statvfs(path, &info)
        return Double(UInt64(info.f_bavail) * UInt64(info.f_frsize)) / 1_048_576
    }

    static let usable = BatchTests.sandboxUsable && ProcessTreeLimits.detect() != nil

    @Test(.enabled(if: usable))
    func everyAttackIsStoppedAtItsLimitBesideAnHonestStudent() throws {
        try Self.plantCanaries()
        // The honest student alone, for her grade and time.
        let alone = try Self.batch(Self.course("alone", ["alice"]), out: Self.base + "/alone-out", jobs: 1)
        #expect(alone.code == 0, "\(alone.error.suffix(500))")
        let soloRow = try #require(try BatchStore(path: Self.base + "/alone-out/grades.sqlite").submission("alice"))
        #expect(soloRow.total == 25 && soloRow.sandboxed == true, "\(soloRow)")

        let course = Self.course("attacks", ["alice"] + Self.attackers)
        let out = Self.base + "/attacks-out"
        let memoryBefore = Self.meminfoMiB("MemAvailable"), tmpfsBefore = Self.meminfoMiB("Shmem"), diskBefore = Self.diskFreeMiB(Self.base)
        let run = try Self.batch(course, out: out, jobs: 2)
        #expect(run.code == 0, "\(run.error.suffix(800))")
        let store = try BatchStore(path: out + "/grades.sqlite")
        let rows = Dictionary(uniqueKeysWithValues: try store.submissions().map { ($0.id, $0) })
        #expect(Set(rows.keys) == Set(["alice"] + Self.attackers), "a row for everyone: \(rows.keys.sorted())")

        // The honest student: the same grade, and her checks take no longer than alone (noise aside).
        let alice = try #require(rows["alice"])
        #expect(alice.total == 25, "\(alice)")
        #expect(alice.checkSeconds < soloRow.checkSeconds * 2 + 2, "alice's checks: \(alice.checkSeconds) s beside the attacks, \(soloRow.checkSeconds) s alone")

        // Each probe returns a wrong update if its attack got through; contained, it scores alice's 25.
        for probe in Self.probes {
            #expect(rows[probe]?.total == 25, "\(probe) was contained: \(String(describing: rows[probe]))")
        }
        // Its forks are refused (seccomp): no child ever touched its 2.5 GiB.
        #expect((rows["fork-memory"]?.peakMemoryMiB ?? .infinity) < 512, "\(String(describing: rows["fork-memory"]))")
        #expect(rows["fork-memory"]?.containment?.contains("programs: the submission cannot start processes") == true)
        for filler in ["disk-fill", "tmp-fill"] {
            #expect(rows[filler]?.limitEvents?.contains("filled its disk: 256 MiB for the work folder and /tmp together") == true,
                    "\(filler): \(String(describing: rows[filler]?.limitEvents))")
        }
        let flood = try store.results(of: "stderr-flood").first { $0.id == "TestOptimizers2.sgd" }
        #expect(flood?.status == .errored && flood?.message.contains("printed more than 16 MiB") == true, "\(String(describing: flood))")
        #expect(rows["stderr-flood"]?.limitEvents?.contains("printed more than the output limit") == true)
        let hog = try #require(rows["slot-hog"])
        // It sleeps (no CPU): the budget's wall-clock backstop stops it, 1.5 × 30 + 10 s, and it is
        // not graded again alone (waiting is the submission's doing, not the machine's).
        #expect(hog.status == "timed out" && hog.checkSeconds < 60 && hog.wallSeconds < 80, "the slot hog is stopped by its 30 s budget's backstop: \(hog)")
        #expect(try store.results(of: "slot-hog").contains { $0.message.hasPrefix("not run: the submission used up its time budget of 30 s") })
        #expect(hog.limitEvents?.contains("used up its time budget of 30 s") == true, "\(String(describing: hog.limitEvents))")

        // Every report states what contained the code; the grader and its judges stayed small.
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("## Containment") && summary.contains("for the submission's whole process tree")
                && summary.contains("allow-list"), "\(summary)")
        #expect(alice.containment?.contains("disk: 256 MiB for the work folder and /tmp together") == true)
        let peakLine = run.error.split(separator: "\n").first { $0.hasPrefix("grader peak memory: ") } ?? ""
        let graderPeak = Double(peakLine.dropFirst("grader peak memory: ".count).prefix { $0.isNumber }) ?? .infinity
        #expect(graderPeak < 256, "the grader's peak: \(peakLine)")
        for row in rows.values { #expect((row.judgePeakMiB ?? 0) < 256, "\(row.id)'s judge: \(String(describing: row.judgePeakMiB)) MiB") }

        // Nothing is left behind: no control group, no mount, no work folder, and the host's memory,
        // tmpfs and disk are back (the tolerances allow for other test suites running meanwhile; a
        // leaked attack would hold 256 MiB of tmpfs or GiBs of memory).
        for controller in ["memory", "pids"] {
            #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/\(controller)/grader-\(run.pid)"), "the batch's \(controller) groups are gone")
        }
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(Self.base), "a work folder is still mounted")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: out + "/work")) ?? []).isEmpty, "work folders are removed")
        #expect(Self.meminfoMiB("MemAvailable") > memoryBefore - 1024, "available memory: \(memoryBefore) MiB before, \(Self.meminfoMiB("MemAvailable")) after")
        #expect(Self.meminfoMiB("Shmem") < tmpfsBefore + 128, "tmpfs: \(tmpfsBefore) MiB before, \(Self.meminfoMiB("Shmem")) after")
        #expect(Self.diskFreeMiB(Self.base) > diskBefore - 256, "free disk: \(diskBefore) MiB before, \(Self.diskFreeMiB(Self.base)) after")
    }

    /// Threads are allowed (there is no fork to refuse), so only the control group's limits, which
    /// count every thread, stop them: both are reached and said. Its own rubric: touching 1 GiB
    /// takes about 1 s of CPU here, a small-inputs check's whole limit in the shared one.
    @Test(.enabled(if: usable))
    func threadsReachTheControlGroupsMemoryAndProcessLimits() throws {
        let rubric = Self.base + "/rubric/threads.json"
        try String(contentsOfFile: Self.rubric, encoding: .utf8)
            .replacingOccurrences(of: "\"checkTimeoutSeconds\": 10", with: "\"checkTimeoutSeconds\": 60")
            .write(toFile: rubric, atomically: true, encoding: .utf8)
        let course = Self.course("threads", ["thread-flood", "thread-memory"])
        let out = Self.base + "/threads-out"
        let run = try Self.batch(course, out: out, jobs: 2, rubric: rubric)
        #expect(run.code == 0, "\(run.error.suffix(800))")
        let store = try BatchStore(path: out + "/grades.sqlite")
        let rows = Dictionary(uniqueKeysWithValues: try store.submissions().map { ($0.id, $0) })

        // 1,000 threads asked for, the group's 128 reached; the rest refused (EAGAIN), contained.
        let flood = try #require(rows["thread-flood"])
        #expect(flood.total == 25, "contained, it scores the reference's 25: \(flood)")
        #expect(flood.limitEvents?.contains("TestOptimizers2.sgd: reached the limit of 128 processes and threads;") == true,
                "thread-flood: \(String(describing: flood.limitEvents))")
        // Eight threads of 256 MiB: the group's 1 GiB reached, the kernel kills the worker in that check.
        let memory = try #require(rows["thread-memory"])
        #expect(memory.limitEvents?.contains("TestOptimizers2.sgd: reached the memory limit of 1024 MiB for all of the submission's processes together; the kernel killed") == true,
                "thread-memory: \(String(describing: memory.limitEvents))")
        let killed = try store.results(of: "thread-memory").first { $0.id == "TestOptimizers2.sgd" }
        #expect(killed?.status == .errored && killed?.message.contains("reached the memory limit of 1024 MiB") == true, "\(String(describing: killed))")
        #expect(memory.total > 0 && memory.total < 25, "its other checks score, the killed one not: \(memory)")
        #expect((memory.peakMemoryMiB ?? 0) > 900 && (memory.peakMemoryMiB ?? .infinity) <= 1025, "its tree peaked at the limit: \(memory)")
        let feedback = try String(contentsOfFile: out + "/feedback/thread-memory.md", encoding: .utf8)
        #expect(feedback.contains("reached the memory limit of 1024 MiB"), "the student is told: \(feedback)")
    }

    /// Without root, the batch sandboxes in an unprivileged user namespace instead of refusing.
    @Test(.enabled(if: usable))
    func withoutRootTheBatchSandboxesInAUserNamespace() throws {
        try Self.plantCanaries()
        let course = Self.course("unprivileged", ["alice", "canary-read", "environment-probe"])
        let out = Self.base + "/unprivileged-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        chown(out, 65534, 65534)
        let run = try Self.batch(course, out: out, jobs: 1, user: 65534)
        #expect(run.code == 0, "\(run.error.suffix(800))")
        let rows = Dictionary(uniqueKeysWithValues: try BatchStore(path: out + "/grades.sqlite").submissions().map { ($0.id, $0) })
        #expect(rows["alice"]?.total == 25, "\(String(describing: rows["alice"]))")
        #expect(rows["canary-read"]?.total == 25 && rows["environment-probe"]?.total == 25, "contained without root: \(rows.values.map { "\($0.id) \($0.total)" })")
        #expect(rows["alice"]?.containment?.contains("in a user namespace") == true, "\(String(describing: rows["alice"]?.containment))")
    }

    /// A batch with `--no-sandbox` says so in the summary, each feedback file and each results.json.
    @Test(.enabled(if: usable))
    func anUnsandboxedBatchSaysSoInEveryReport() throws {
        let course = Self.course("unsandboxed", ["alice"])
        let out = Self.base + "/unsandboxed-out"
        let run = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", Self.rubric, "--jobs", "1", "--out", out, "--no-sandbox"])
        #expect(run.code == 0 && run.output.contains("WARNING: graded WITHOUT a sandbox"), "\(run.output) \(run.error.suffix(300))")
        let summary = try String(contentsOfFile: out + "/summary.md", encoding: .utf8)
        #expect(summary.contains("**1 submissions were graded WITHOUT a sandbox** (alice)"), "\(summary)")
        let feedback = try String(contentsOfFile: out + "/feedback/alice.md", encoding: .utf8)
        #expect(feedback.contains("> Graded without a sandbox: sandbox: NONE (--no-sandbox was given)"), "\(feedback)")
        let results = try String(contentsOfFile: out + "/results/alice.json", encoding: .utf8)
        #expect(results.contains("Graded without a sandbox"), "\(results.prefix(400))")
        #expect(try BatchStore(path: out + "/grades.sqlite").submission("alice")?.sandboxed == false)
    }

    /// `grader run` as root sandboxes by default; `--no-sandbox` lets the canary be read, and
    /// every report of that run says it was not sandboxed.
    @Test(.enabled(if: usable))
    func graderRunAsRootSandboxesByDefault() throws {
        try Self.plantCanaries()
        let fixture = Self.base + "/canary-read"
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", TestSupport.repository + "/scripts/make-hostile-fixtures.py", Self.base, "canary-read"]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        writer.waitUntilExit()
        let sandboxed = try TestSupport.runGrader(["run", "--rubric", Self.rubric, "--group", "TestOptimizers2", "--timings", fixture])
        #expect(sandboxed.output.contains("TestOptimizers2: OK") && !sandboxed.output.contains("without a sandbox"), "\(sandboxed.output)")
        #expect(sandboxed.error.contains("containment sandbox: bubblewrap, allow-list"), "\(sandboxed.error.suffix(500))")
        let open = try TestSupport.runGrader(["run", "--rubric", Self.rubric, "--group", "TestOptimizers2", "--no-sandbox", fixture])
        #expect(open.output.contains("✗ sgd") && open.output.contains("Graded without a sandbox: sandbox: NONE (--no-sandbox was given)"), "\(open.output)")
        let json = try TestSupport.runGrader(["run", "--rubric", Self.rubric, "--group", "TestOptimizers2", "--no-sandbox", "--format", "json", fixture])
        #expect(json.output.contains("Graded without a sandbox"), "results.json says so: \(json.output.prefix(400))")

        // A regular user asks for the sandbox with --sandbox: a user namespace, the canary hidden.
        let user = Process()
        user.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        user.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", TestSupport.graderExecutable,
                          "run", "--sandbox", "--timings", "--rubric", Self.rubric, "--group", "TestOptimizers2", fixture]
        user.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let out = Pipe(), err = Pipe()
        user.standardOutput = out
        user.standardError = err
        try user.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let timings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        user.waitUntilExit()
        #expect(text.contains("TestOptimizers2: OK"), "\(text) \(timings.suffix(400))")
        #expect(timings.contains("as the current user in a user namespace"), "\(timings.suffix(600))")
    }
}
