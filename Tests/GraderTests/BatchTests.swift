import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PluginHost
import Reports
import Testing
@testable import Batch

/// `grader batch` on a generated course: sandboxed, parallel, resumable, equal to single runs.
@Suite(.serialized) struct BatchTests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)").path

    /// A small, fast rubric with hidden differential groups (the full one is in rubric/course-hidden.json).
    static let rubric: String = {
        let folder = base + "/rubric"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/hidden.json"
        try? """
            {"exercise": "Ex2", "title": "batch test", "examPercentage": 3, "totalPercent": 40, "seed": 1337, "dataDirectory": "\(TestSupport.repository)/rubric/data",
             "groups": [{"name": "TestOptimizers2", "percent": 8}, {"name": "TestFlatten", "percent": 2}, {"name": "TestPooling", "percent": 15},
                        {"name": "HiddenConv", "percent": 10, "differential": true, "visibility": "hidden", "parameters": {"cases": 4}},
                        {"name": "HiddenOptimizers", "percent": 5, "differential": true, "visibility": "hidden"}],
             "intake": {"maxEntries": 1000, "maxEntryBytes": 10485760, "maxTotalBytes": 52428800, "maxCompressionRatio": 100},
             "limits": {"checkTimeoutSeconds": 10, "compileTimeoutSeconds": 180, "memoryMiB": 4096, "cpuSeconds": 600}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static func course(_ name: String, _ students: [String]) -> String {
        let folder = base + "/" + name
        let process = Process()
        process.standardOutput = FileHandle.nullDevice
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.repository + "/scripts/make-course.py", folder,
                             "--only", students.joined(separator: ","), "--hidden-rubric", rubric]
        try? process.run()
        process.waitUntilExit()
        return folder
    }

    static let wellBehaved = ["alice", "bob", "carol", "erin", "kim", "mallory", "nadia", "olivia", "victor"]

    /// The sandbox needs root (a uid per job), bubblewrap, and a grader the sandbox user can read.
    static let sandboxUsable = getuid() == 0 && Sandbox.isAvailable() && TestSupport.sandboxReachable

    func batch(_ directory: String, out: String, jobs: Int = 2, extra: [String] = []) throws -> (code: Int32, output: String, error: String) {
        try TestSupport.runGrader(["batch", "--no-similarity", directory, "--rubric", Self.rubric, "--reference", "reference", "--jobs", "\(jobs)", "--out", out]
                                  + (Self.sandboxUsable ? [] : ["--no-sandbox"]) + extra)
    }

    /// Whether a TCP connection to 127.0.0.1:port succeeds from the test process.
    static func loopbackAccepts(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func gradebook(_ out: String) throws -> [String: [String: String]] {
        let lines = try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var rows: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", maxSplits: header.count - 1, omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
        return rows
    }

    @Test func gradesACourseLikeSingleRunsAndWritesEveryReport() throws {
        let course = Self.course("course", Self.wellBehaved)
        let out = Self.base + "/out"
        let run = try batch(course, out: out)
        #expect(run.code == 0, "\(run.error)")
        let rows = try gradebook(out)
        #expect(rows.count == Self.wellBehaved.count)
        #expect(rows["alice"]?["total"] == "40" && rows["alice"]?["status"] == "graded")
        #expect(rows["bob"]?["total"] == rows["alice"]?["total"], "a duplicate gets the same grade")
        #expect(rows["kim"]?["HiddenConv"] == "0" && rows["kim"]?["TestPooling"] == "15", "a flipped kernel fails only the hidden tests")
        #expect(rows["nadia"]?["total"] == "40", "the other \"same\" padding for even kernels is as correct as scipy's")
        #expect(rows["erin"]?["TestOptimizers2"] == "0" && rows["erin"]?["status"] == "graded", "a trap costs its check, not the grade")
        #expect(rows["mallory"]?["status"] == "not gradable" && rows["mallory"]?["reason"]?.contains("zip slip") == true)
        #expect(rows["olivia"]?["reason"]?.contains("symbolic link") == true)
        #expect(rows["victor"]?["status"] == "graded", "a folder is a submission too")
        // victor's sources are carol's, and bob's zip is alice's: the batch compiled each once
        // (carol is graded before victor; bob, a duplicate, after everyone else).
        let store = try BatchStore(path: out + "/grades.sqlite")
        let compiled = Dictionary(uniqueKeysWithValues: try store.submissions().map { ($0.id, $0.compileSeconds) })
        #expect((compiled["carol"] ?? 0) > 0 && compiled["victor"] == 0, "\(compiled)")
        #expect((compiled["alice"] ?? 0) > 0 && compiled["bob"] == 0, "\(compiled)")
        #expect(rows["victor"]?["total"] == rows["carol"]?["total"])
        #expect(!FileManager.default.fileExists(atPath: out + "/work"), "the shared builds and work folders are gone")
        // Every well-behaved submission's grade equals its grade when run alone.
        for student in ["carol", "kim", "erin"] {
            let alone = try TestSupport.runGrader(["run", "--format", "json", "--rubric", Self.rubric, "--reference", "reference",
                                                   "--report-dir", Self.base + "/report", course + "/\(student).zip"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(alone.output.utf8)) as? [String: Any])
            #expect("\(json["score"].map { "\($0)" } ?? "")" == rows[student]?["total"], "\(student)")
        }
        for file in ["summary.md", "junit.xml", "results/alice.json", "feedback/kim.md", "feedback/mallory.md"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let feedback = try String(contentsOfFile: out + "/feedback/kim.md", encoding: .utf8)
        #expect(feedback.contains("| HiddenConv | 0 / 10 | hidden test |") && !feedback.contains("kernel flipped"), "hidden details stay hidden")
        let results = try String(contentsOfFile: out + "/results/kim.json", encoding: .utf8)
        #expect(results.contains("your output equals the reference with the kernel flipped"), "the TA sees them")
        #expect(results.contains("kernelHeight") && results.contains("strideX"), "case parameters are labelled")
        let nadia = try String(contentsOfFile: out + "/results/nadia.json", encoding: .utf8)
        #expect(nadia.contains("even kernels padded ⌊(m−1)/2⌋ before"), "the convention found is named")
        let junit = try XMLDocument(contentsOf: URL(fileURLWithPath: out + "/junit.xml"))
        #expect(try junit.nodes(forXPath: "//testsuite").count == Self.wellBehaved.count)
        // Rerunning grades nothing: every submission is unchanged.
        let again = try batch(course, out: out)
        #expect(again.error.contains("grading 0 submissions (9 unchanged, already graded)"), "\(again.error)")
    }

    @Test func killedMidBatchResumesAndMatchesAnUninterruptedRun() throws {
        let course = Self.course("resume-course", ["alice", "carol", "kim", "victor"])
        let full = Self.base + "/full"
        _ = try batch(course, out: full, jobs: 2)

        let out = Self.base + "/resumed"
        let log = Self.base + "/resume.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        process.arguments = ["batch", "--no-similarity", course, "--rubric", Self.rubric, "--reference", "reference", "--jobs", "1", "--out", out]
            + (Self.sandboxUsable ? [] : ["--no-sandbox"])
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !((try? String(contentsOfFile: log, encoding: .utf8))?.contains("[2/4]") ?? false) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let store = try BatchStore(path: out + "/grades.sqlite")
        let finished = try store.submissions().filter { $0.status != "in progress" }.count
        #expect(finished >= 2 && finished < 4, "killed mid-batch with \(finished) finished")

        let resumed = try batch(course, out: out, jobs: 2)
        #expect(resumed.code == 0)
        #expect(resumed.error.contains("grading \(4 - finished) submissions (\(finished) unchanged, already graded)"), "\(resumed.error)")
        #expect(try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8) == String(contentsOfFile: full + "/gradebook.csv", encoding: .utf8))
    }

    /// The resume course's uninterrupted gradebook, graded once for the phase kills below.
    static let resumeCourse = course("phase-course", ["alice", "carol", "kim", "victor"])
    static let uninterruptedGradebook: Result<String, Error> = Result {
        let out = base + "/phase-full"
        _ = try TestSupport.runGrader(["batch", "--no-similarity", resumeCourse, "--rubric", rubric, "--reference", "reference", "--jobs", "2", "--out", out]
                                      + (sandboxUsable ? [] : ["--no-sandbox"]))
        return try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8)
    }

    /// kill -9 at each phase of a student's grading (issue 27: a resume once turned 120 / 120 into
    /// "not gradable"), with the other job in flight: the rerun gives the uninterrupted gradebook,
    /// and nothing of the killed run is left (work folders, control groups of dead graders).
    @Test(arguments: ["unzip@kim", "compile+1.5@kim", "load+0.05@kim", "checks@kim", "row@kim", "row@alice"])
    func killedAtAPhaseResumesToTheUninterruptedGrade(_ killAt: String) throws {
        let expected = try Self.uninterruptedGradebook.get()
        let out = Self.base + "/phase-\(killAt)"
        let arguments = ["batch", "--no-similarity", Self.resumeCourse, "--rubric", Self.rubric, "--reference", "reference", "--jobs", "2", "--out", out]
            + (Self.sandboxUsable ? [] : ["--no-sandbox"])
        let killed = try TestSupport.runCommand(TestSupport.graderExecutable, TestSupport.graderArguments(arguments),
                                                environment: ["GRADER_CACHE": TestSupport.cacheDirectory, "GRADER_TEST_KILL_AT": killAt])
        #expect(killed.code == SIGKILL, "the grader was to kill itself at \(killAt): \(killed.error)")
        let student = String(killAt.split(separator: "@")[1])
        let row = try BatchStore(path: out + "/grades.sqlite").submission(student)
        #expect(row == nil || row?.status == "in progress", "\(student)'s row after the kill: \(String(describing: row))")

        let resumed = try batch(Self.resumeCourse, out: out, jobs: 2)
        #expect(resumed.code == 0, "\(resumed.error)")
        #expect(try String(contentsOfFile: out + "/gradebook.csv", encoding: .utf8) == expected, "resumed after a kill at \(killAt)")
        #expect(!FileManager.default.fileExists(atPath: out + "/work"), "the killed run's work folders and builds are gone")
        let deadGraders = ProcessTreeLimits.groupsOfDeadGraders()
        #expect(deadGraders.isEmpty, "control groups of killed graders left: \(deadGraders)")
    }

    /// Two batches writing one output folder would grade everyone twice and mix their rows: the
    /// second is refused in one line naming the first; once the first is killed, the folder is free.
    @Test func aSecondBatchOnTheSameOutputFolderIsRefused() throws {
        let out = Self.base + "/locked"
        let first = try startBatch(Self.resumeCourse, out: out)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? String(contentsOfFile: out + "/.batch.lock", encoding: .utf8))?.isEmpty ?? true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Stopped, the first holds its lock however fast it would have graded the course.
        kill(first.processIdentifier, SIGSTOP)
        #expect(first.isRunning, "the first batch ended before the second started")
        let second = try batch(Self.resumeCourse, out: out)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(second.code != 0)
        #expect(second.error.contains("another grader batch (process \(first.processIdentifier)) is writing to --out \(out): wait for it to finish, or give another --out"), "\(second.error)")
        let after = try batch(Self.resumeCourse, out: out)
        #expect(after.code == 0, "the lock died with its holder: \(after.error)")
    }

    /// Starts a one-job batch in the background, its output discarded.
    func startBatch(_ course: String, out: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.graderExecutable)
        process.arguments = ["batch", "--no-similarity", course, "--rubric", Self.rubric, "--reference", "reference", "--jobs", "1", "--out", out]
            + (Self.sandboxUsable ? [] : ["--no-sandbox"])
        process.currentDirectoryURL = URL(fileURLWithPath: TestSupport.repository)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts a batch in the background, waits until a compiler for `student` runs, and returns
    /// the batch and the compiler's process id (its process group leader).
    func startBatchUntilCompiling(_ course: String, out: String, student: String) throws -> (Process, pid_t) {
        let process = try startBatch(course, out: out)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let pid = pid_t(try TestSupport.processIDs(matching: "swiftc .*\(out)/work/\(student)/", oldest: true)) {
                Thread.sleep(forTimeInterval: 0.5)
                return (process, pid)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw CancellationError()
    }

    /// A compiler killed from outside is the grader's failure, never the student's; Ctrl-C ends every
    /// process the batch started; the rerun grades as if nothing had happened.
    @Test func aStoppedCompilerOrACtrlCIsRetriedNeverCharged() throws {
        // carol and victor hand in the same sources (a zip and a folder): their grades must agree.
        let course = Self.course("stopped-course", ["carol", "victor"])
        let out = Self.base + "/stopped"

        let (first, compiler) = try startBatchUntilCompiling(course, out: out, student: "carol")
        kill(-compiler, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationStatus == 1, "a batch with an ungraded submission says so")
        var rows = try gradebook(out)
        #expect(rows["carol"]?["status"] == "error" && rows["carol"]?["reason"]?.contains("the compiler was stopped by SIGKILL") == true,
                "\(rows["carol"] ?? [:])")
        #expect(rows["victor"]?["status"] == "graded")

        let (second, _) = try startBatchUntilCompiling(course, out: out, student: "carol")
        kill(second.processIdentifier, SIGINT)
        second.waitUntilExit()
        #expect(second.terminationStatus == 130)
        Thread.sleep(forTimeInterval: 0.5)
        let left = try TestSupport.processIDs(matching: out)
        #expect(left.isEmpty, "nothing the interrupted batch started is still running: \(left)")
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(out), "its disk is unmounted")

        let third = try batch(course, out: out, jobs: 1)
        #expect(third.code == 0, "\(third.error)")
        #expect(third.error.contains("grading 1 submissions (1 unchanged, already graded)"), "\(third.error)")
        rows = try gradebook(out)
        #expect(rows["carol"]?["status"] == "graded" && rows["carol"]?["total"] == rows["victor"]?["total"], "\(rows)")
    }

    @Test(.enabled(if: sandboxUsable))
    func hostileCodeIsContainedByTheSandbox() throws {
        // A listener on the host's loopback: reachable from here, not from inside the sandbox.
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listener.arguments = ["python3", "-c", "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 47800)); s.listen(64); time.sleep(150)"]
        listener.standardOutput = FileHandle.nullDevice
        listener.standardError = FileHandle.nullDevice
        try listener.run()
        defer { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Self.loopbackAccepts(port: 47800), "the listener is reachable from the host, so a failure inside is the sandbox's doing")
        let course = Self.course("hostile-course", ["peggy", "rupert", "sybil", "trent", "alice"])
        let out = Self.base + "/hostile-out"
        let run = try batch(course, out: out)
        #expect(run.code == 0, "\(run.error)")
        let rows = try gradebook(out)
        // Each tries its attack in Sgd and returns a wrong update if it got through.
        for student in ["peggy", "rupert", "sybil", "trent"] {
            #expect(rows[student]?["TestOptimizers2"] == "8", "\(student)'s attack was contained: \(rows[student] ?? [:])")
            #expect(rows[student]?["total"] == rows["alice"]?["total"], "\(student) loses nothing else, and costs alice nothing")
        }
        let store = try BatchStore(path: out + "/grades.sqlite")
        let probe = try store.results(of: "trent").first { $0.id == "TestOptimizers2.sgd" }
        #expect(probe?.status == .passed)
    }

    /// A TA's mistake stops the batch before anyone is graded, and fixing the rubric or the
    /// reference regrades everyone: no zero is kept because it was "already graded".
    @Test func aTAsMistakeIsRefusedAndItsFixRegrades() throws {
        let course = Self.course("mistakes-course", ["carol"])
        let empty = Self.base + "/not-a-reference"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let out = Self.base + "/mistakes-out"
        let sandbox = Self.sandboxUsable ? [] : ["--no-sandbox"]
        let wrong = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", Self.rubric, "--reference", empty, "--out", out] + sandbox)
        #expect(wrong.code == 1 && wrong.error.contains("--reference \(empty) holds no Swift sources"), "\(wrong.error)")
        let missing = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", Self.rubric, "--out", out] + sandbox)
        #expect(missing.code == 1 && missing.error.contains("compare with the reference: pass --reference PATH"), "\(missing.error)")
        #expect(try BatchStore(path: out + "/grades.sqlite").submissions().isEmpty, "nobody was graded")

        let first = try batch(course, out: out)
        #expect(first.code == 0 && first.error.contains("grading 1 submissions"), "\(first.error)")
        let same = try batch(course, out: out)
        #expect(same.error.contains("grading 0 submissions (1 unchanged, already graded)"), "\(same.error)")
        // The same rubric with one group's points changed: everyone is graded again.
        let changed = Self.base + "/rubric/changed.json"
        try String(contentsOfFile: Self.rubric, encoding: .utf8).replacingOccurrences(of: "\"percent\": 2}", with: "\"percent\": 3}")
            .replacingOccurrences(of: "\"totalPercent\": 40", with: "\"totalPercent\": 41")
            .write(toFile: changed, atomically: true, encoding: .utf8)
        let regraded = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", changed, "--reference", "reference", "--out", out] + sandbox)
        #expect(regraded.code == 0 && regraded.error.contains("grading 1 submissions"), "\(regraded.error)")
    }

    /// A TA regrading a course: one id for two entries is refused, one student is regraded or
    /// skipped, a student whose zip was removed leaves the gradebook (not the store), an untouched
    /// zip is not hashed again, and feedback never names the TA's own rubric file.
    @Test func batchBookkeepingAsATARegradesACourse() throws {
        let course = Self.course("bookkeeping-course", ["alice", "carol"])
        let out = Self.base + "/bookkeeping"
        try FileManager.default.createDirectory(atPath: course + "/alice", withIntermediateDirectories: true)
        let twins = try batch(course, out: out)
        #expect(twins.code == 1 && twins.error.contains("alice and alice.zip in \(course) are both student 'alice'"), "\(twins.error)")
        try FileManager.default.removeItem(atPath: course + "/alice")

        let first = try batch(course, out: out)
        #expect(first.code == 0 && first.error.contains("grading 2 submissions"), "\(first.error)")
        let one = try batch(course, out: out, extra: ["--regrade", "--only", "carol"])
        #expect(one.error.contains("grading 1 submissions") && one.error.contains("carol") && !one.error.contains("alice:"), "\(one.error)")
        #expect(try gradebook(out).keys.sorted() == ["alice", "carol"], "the reports still list everyone")
        let skipped = try batch(course, out: out, extra: ["--regrade", "--exclude", "carol"])
        #expect(skipped.error.contains("grading 1 submissions") && skipped.error.contains("alice:"), "\(skipped.error)")
        let unknown = try batch(course, out: out, extra: ["--only", "mallet"])
        #expect(unknown.code == 1 && unknown.error.contains("no submission 'mallet'"), "\(unknown.error)")

        let feedback = try String(contentsOfFile: out + "/feedback/carol.md", encoding: .utf8)
        #expect(feedback.contains("Reproduce: `grader run --group") && !feedback.contains(Self.rubric), "\(feedback)")

        // Touched but unchanged: still unchanged (hashed again, same content).
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: course + "/alice.zip")
        let touched = try batch(course, out: out)
        #expect(touched.error.contains("grading 0 submissions (2 unchanged, already graded)"), "\(touched.error)")

        try FileManager.default.removeItem(atPath: course + "/carol.zip")
        let gone = try batch(course, out: out)
        #expect(gone.code == 0 && gone.error.contains("no longer in \(course): carol (kept in grades.sqlite"), "\(gone.error)")
        #expect(try gradebook(out).keys.sorted() == ["alice"])
        #expect(!FileManager.default.fileExists(atPath: out + "/results/carol.json"))
        #expect(try String(contentsOfFile: out + "/summary.md", encoding: .utf8).contains("**No longer in the submissions folder**"))
        #expect(try BatchStore(path: out + "/grades.sqlite").submission("carol") != nil, "the store keeps the row")
    }

    /// Issue 29, item 3: the rubric's deadline applied from a submissions CSV and an extensions
    /// file. The gradebook shows raw, penalty and final; the Canvas export takes the final; moving
    /// the due date rewrites the gradebook without regrading anyone.
    @Test func lateSubmissionsArePenalisedAndExtensionsHonoured() throws {
        let source = Self.course("late-source", ["alice"])
        let course = Self.base + "/late-course"
        try? FileManager.default.removeItem(atPath: course)
        try FileManager.default.createDirectory(atPath: course, withIntermediateDirectories: true)
        // Canvas's download names: <name>[_LATE]_<user ID>_<submission ID>.zip; one submission, three students.
        for id in ["smith_101_1", "jones_late_102_2", "lee_late_103_3"] {
            try FileManager.default.copyItem(atPath: source + "/alice.zip", toPath: "\(course)/\(id).zip")
        }
        let folder = Self.base + "/late-rubric"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func rubric(due: String) throws -> String {
            let path = folder + "/late.json"
            let text = try String(contentsOfFile: Self.rubric, encoding: .utf8).replacingOccurrences(of: #""seed": 1337,"#, with: """
                "seed": 1337, "deadline": {"due": "\(due)", "timezone": "Europe/Berlin", "graceMinutes": 10,
                  "penalty": {"per": "day", "percent": 10}, "extensions": "extensions.csv"},
                """)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        try "ID,due\n103,2026-12-13T12:00\n".write(toFile: folder + "/extensions.csv", atomically: true, encoding: .utf8)
        try "Student,ID,Submitted\nSmith,101,2026-12-10T23:55:00+01:00\nJones,102,2026-12-12T09:00:00+01:00\nLee,103,2026-12-13T11:00:00+01:00\n"
            .write(toFile: folder + "/times.csv", atomically: true, encoding: .utf8)
        let out = Self.base + "/late-out"
        func run(_ rubricPath: String) throws -> (code: Int32, output: String, error: String) {
            try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", rubricPath, "--reference", "reference", "--jobs", "2", "--out", out,
                                       "--submissions", folder + "/times.csv"] + (Self.sandboxUsable ? [] : ["--no-sandbox"]))
        }
        let first = try run(try rubric(due: "2026-12-10T23:59"))
        #expect(first.code == 0, "\(first.error.suffix(600))")
        var rows = try gradebook(out)
        let raw = try #require(Double(rows["smith_101_1"]?["raw"] ?? ""), "\(rows)")
        #expect(raw > 8, "alice's work earns points")
        #expect(rows["smith_101_1"]?["total"] == rows["smith_101_1"]?["raw"] && rows["smith_101_1"]?["late"] == "on time")
        // 1 d 9 h late: two started days at 10 % of the maximum (40) each.
        #expect(rows["jones_late_102_2"]?["penalty"] == "8" && Double(rows["jones_late_102_2"]?["total"] ?? "") == raw - 8, "\(rows["jones_late_102_2"] ?? [:])")
        #expect(rows["jones_late_102_2"]?["late"] == "1 d 9 h late (2 days)")
        #expect(rows["lee_late_103_3"]?["penalty"] == "0" && rows["lee_late_103_3"]?["late"] == "on time (extended to 2026-12-13 12:00)")
        let feedback = try String(contentsOfFile: out + "/feedback/jones_late_102_2.md", encoding: .utf8)
        #expect(feedback.contains("Deadline: 1 d 9 h late (2 days); \(BatchReports.number(raw)) points before the late penalty of 8."), "\(feedback)")
        #expect(try String(contentsOfFile: out + "/summary.md", encoding: .utf8).contains("- jones_late_102_2: −8 (1 d 9 h late (2 days))"))

        // The Canvas import takes the total after the penalty.
        try "Student,ID,SIS User ID,SIS Login ID,Section\nSmith,101,S1,smith,A\nJones,102,S2,jones,A\n".write(toFile: folder + "/roster.csv", atomically: true, encoding: .utf8)
        let export = try TestSupport.runGrader(["export", "--format", "canvas", "--roster", folder + "/roster.csv", "--grades", out,
                                                "--assignment", "Ex2", folder + "/canvas.csv"])
        let canvas = try CSVTable.parse(String(contentsOfFile: folder + "/canvas.csv", encoding: .utf8))
        #expect(export.code == 3 && canvas.rows.map { $0[5] } == [BatchReports.number(raw), BatchReports.number(raw - 8)], "\(canvas.rows) \(export.error)")

        // A day later due: nobody regraded, Jones now one day late.
        let moved = try run(try rubric(due: "2026-12-11T23:59"))
        #expect(moved.code == 0 && (moved.output + moved.error).contains("grading 0 submissions (3 unchanged, already graded)"), "\(moved.output) \(moved.error)")
        rows = try gradebook(out)
        #expect(rows["jones_late_102_2"]?["penalty"] == "4" && rows["jones_late_102_2"]?["late"] == "9 h 1 min late (1 day)", "\(rows["jones_late_102_2"] ?? [:])")

        // --submissions without a deadline in the rubric, and a times file without times, are refused.
        let refused = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", Self.rubric, "--reference", "reference", "--out", out,
                                                 "--submissions", folder + "/roster.csv"] + (Self.sandboxUsable ? [] : ["--no-sandbox"]))
        #expect(refused.code == 1 && refused.error.contains("has no \"deadline\""), "\(refused.error)")
        let noTimes = try TestSupport.runGrader(["batch", "--no-similarity", course, "--rubric", try rubric(due: "2026-12-11T23:59"), "--reference", "reference", "--out", out,
                                                 "--submissions", folder + "/roster.csv"] + (Self.sandboxUsable ? [] : ["--no-sandbox"]))
        #expect(noTimes.code == 1 && noTimes.error.contains("has no submission-time column"), "\(noTimes.error)")
    }

    /// Issue 29, item 4: a TA's points for a group survive a rerun and a regrade, and the
    /// gradebook, the feedback and the summary show them beside the graded points.
    @Test func overridesSurviveRegradesAndShowBothValues() throws {
        let course = Self.course("override-course", ["alice", "carol"])
        let out = Self.base + "/override-out"
        let first = try batch(course, out: out)
        #expect(first.code == 0, "\(first.error.suffix(600))")
        let graded = try gradebook(out)
        let carolPooling = try #require(graded["carol"]?["TestPooling"])
        #expect(carolPooling == "0", "carol's pooling fails, so the override changes her grade")
        let set = try TestSupport.runGrader(["override", out, "carol", "TestPooling", "15", "--comment", "pooling bug was in the handout"])
        #expect(set.code == 0 && set.output.contains("carol: TestPooling set to 15 points"), "\(set.output) \(set.error)")
        let again = try batch(course, out: out, extra: ["--regrade"])
        #expect(again.code == 0, "\(again.error.suffix(600))")
        let rows = try gradebook(out)
        #expect(rows["carol"]?["TestPooling"] == "15")
        #expect(Double(rows["carol"]?["total"] ?? "") == Double(graded["carol"]?["total"] ?? "")! - Double(carolPooling)! + 15)
        #expect(rows["carol"]?["overrides"] == "TestPooling 15 (graded \(carolPooling)): pooling bug was in the handout", "\(rows["carol"] ?? [:])")
        #expect(rows["alice"]?["overrides"] == "" && rows["alice"]?["total"] == graded["alice"]?["total"])
        let feedback = try String(contentsOfFile: out + "/feedback/carol.md", encoding: .utf8)
        #expect(feedback.contains("TestPooling: 15 points set by the course staff (graded \(carolPooling)): pooling bug was in the handout"))
        #expect(try String(contentsOfFile: out + "/summary.md", encoding: .utf8).contains("| carol | TestPooling | 15 | \(carolPooling) | pooling bug was in the handout |"))
        // Mistakes are refused in one line; clearing restores the graded points.
        let stranger = try TestSupport.runGrader(["override", out, "zed", "TestPooling", "1", "--comment", "x"])
        #expect(stranger.code == 1 && stranger.error.contains("'zed' is not a student of \(out)"), "\(stranger.error)")
        let noGroup = try TestSupport.runGrader(["override", out, "carol", "TestConvv", "1", "--comment", "x"])
        #expect(noGroup.code == 1 && noGroup.error.contains("TestConvv is not a group graded for carol"), "\(noGroup.error)")
        let noComment = try TestSupport.runGrader(["override", out, "carol", "TestPooling", "1"])
        #expect(noComment.code == 64 && noComment.error.contains("--comment is required"), "\(noComment.error)")
        #expect(try TestSupport.runGrader(["override", out]).output.contains("carol  TestPooling  15"))
        #expect(try TestSupport.runGrader(["override", out, "carol", "TestPooling", "--clear"]).code == 0)
        _ = try batch(course, out: out)
        #expect(try gradebook(out)["carol"]?["TestPooling"] == carolPooling)
    }

    /// FIPS 180-4's known answers, through swift-crypto: the keys that decide "unchanged, not regraded".
    @Test func contentHashesAreSHA256() throws {
        #expect(ContentHash.of(text: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.of(text: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        try FileManager.default.createDirectory(atPath: Self.base, withIntermediateDirectories: true)
        let file = Self.base + "/million-a"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: file))
        #expect(try ContentHash.of(path: file) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func anUntouchedZipIsNotHashedAgain() throws {
        let folder = Self.base + "/stamps"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try BatchStore(path: folder + "/grades.sqlite")
        let file = folder + "/alice.zip"
        try "one".write(toFile: file, atomically: true, encoding: .utf8)
        var computed = 0
        let hash = { computed += 1; return try ContentHash.of(path: file) }
        let first = try store.fileHash(file, compute: hash)
        #expect(try store.fileHash(file, compute: hash) == first && computed == 1, "size, time and inode unchanged: not read again")
        try "two".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try store.fileHash(file, compute: hash) != first && computed == 2, "rewritten: read again")
    }

    /// Students who forge the grader's answers, flood its channel or exit while loading, beside
    /// honest ones: the batch ends with a row for everyone, the forgers earn only what their
    /// honest code earns, and the honest students' grades are those of a batch without them.
    @Test func forgersNeitherScoreNorStopTheBatch() throws {
        let attacks = ["forge-and-exit", "forge-and-continue", "wrong-ids-and-duplicates", "flood-without-newline",
                       "invalid-utf8", "overwrite-descriptors", "exit-in-static-initializer", "wrong-shapes-everywhere"]
        let course = Self.course("forgers-course", ["alice", "carol"] + attacks)
        let out = Self.base + "/forgers-out"
        let run = try batch(course, out: out)
        #expect(run.code == 0, "\(run.error.suffix(500))")
        let rows = try gradebook(out)
        #expect(Set(rows.keys) == Set(["alice", "carol"] + attacks), "a row for everyone: \(rows.keys.sorted())")
        #expect(rows["alice"]?["total"] == "40", "alice keeps her grade: \(rows["alice"] ?? [:])")
        #expect(rows["carol"]?["total"] == "13", "carol keeps her grade: \(rows["carol"] ?? [:])")
        for attack in attacks where attack != "wrong-shapes-everywhere" {
            #expect(rows[attack]?["total"] == "0", "\(attack): \(rows[attack] ?? [:])")
        }
        // Its optimizers are the reference's (8 public, 5 hidden); every layer's shapes are wrong.
        #expect(rows["wrong-shapes-everywhere"]?["total"] == "13", "\(rows["wrong-shapes-everywhere"] ?? [:])")
    }
}
