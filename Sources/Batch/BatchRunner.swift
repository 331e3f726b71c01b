import Archive
import Checks
import Foundation
import GradingModel
import GRDB
import Intake
import PluginHost
import Rubric
import Scoring

/// `grader batch`: grades every submission of a folder, `jobs` at a time, each in its own
/// sandboxed work folder, recording each result in the store as soon as it is known.
public struct BatchRunner {
    public struct Options: Sendable {
        public var directory: String
        public var rubricPath: String
        public var out: String
        public var jobs: Int
        public var referencePath: String?
        public var regrade: Bool
        public var sandboxed: Bool
        public var executable: String
        /// Rerun a crashed or hung check on a debug build to say where (issue 16); `grader audit`
        /// turns it off: a mutant's location is known.
        public var diagnoseFailures = true

        /// Paths are made absolute: the sandbox binds them by path.
        public init(directory: String, rubricPath: String, out: String, jobs: Int, referencePath: String?,
                    regrade: Bool, sandboxed: Bool, executable: String) {
            func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
            self.directory = absolute(directory)
            self.rubricPath = absolute(rubricPath)
            self.out = absolute(out)
            self.jobs = jobs
            self.referencePath = referencePath.map(absolute)
            self.regrade = regrade
            self.sandboxed = sandboxed
            self.executable = executable
        }
    }

    /// One submission found in the folder.
    public typealias Entry = CourseFolder.Entry

    public let options: Options
    public let rubric: Rubric
    public let store: BatchStore
    /// Held while this runner lives: one batch at a time writes an output folder.
    let outputLock: OutputFolderLock

    /// What a grade depends on besides the submission: the rubric file and the reference's
    /// sources. Part of every row's hash, so fixing either regrades everyone on the next run.
    public let gradingInputs: String
    /// The reference's probe outputs, computed once for the whole batch.
    let referenceOutputs = ReferenceOutputs()

    public init(options: Options) throws {
        self.options = options
        rubric = try CheckCatalog.loadRubric(from: options.rubricPath)
        gradingInputs = try Self.fingerprint(rubricPath: options.rubricPath, referencePath: options.referencePath)
        do {
            try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        } catch {
            throw BatchSetupFailure(description: "--out \(options.out) cannot hold the batch's state (\(Self.reason(error))): give a writable folder")
        }
        // The lock first: a running batch may hold the database's write lock, and the second one
        // must be told which batch is there, not that the database is locked.
        outputLock = try OutputFolderLock(folder: options.out)
        do {
            store = try BatchStore(path: "\(options.out)/grades.sqlite")
        } catch {
            throw BatchSetupFailure(description: "--out \(options.out) cannot hold the batch's state (\(Self.reason(error))): give a writable folder")
        }
        if geteuid() == 0 {
            // The sandbox's users pass through to their work folders, and see nothing else here:
            // neither the other students' grades nor their feedback (the container regime has no
            // allow-list to hide them).
            chmod(options.out, 0o711)
            for file in ["grades.sqlite", "grades.sqlite-journal", "grades.sqlite-wal"] { chmod("\(options.out)/\(file)", 0o600) }
            for folder in ["results", "feedback"] { chmod("\(options.out)/\(folder)", 0o700) }
        }
        // A grader killed with -9 cleans nothing up: its work folders (one of them perhaps still a
        // mounted tmpfs), its shared builds and its control groups are removed before grading.
        Self.removeLeftovers(of: "\(options.out)/work")
        ProcessTreeLimits.removeGroupsOfDeadGraders()
    }

    /// Why this batch would grade wrongly, checked before anyone is graded: hidden differential
    /// groups without a reference, or a reference folder without sources (every student would get
    /// 0 and be told to fix *their* sources).
    public func referenceProblem() -> String? {
        let differential = rubric.differentialGroups()
        guard let reference = options.referencePath else {
            return differential.isEmpty ? nil
                : "the rubric's hidden groups \(differential.joined(separator: ", ")) compare with the reference: pass --reference PATH (e.g. --reference reference)"
        }
        do {
            _ = try SubmissionSources.collect(in: reference)
            return nil
        } catch {
            return "--reference \(reference) holds no Swift sources of a reference solution (\(error)): give the reference's folder, e.g. --reference reference"
        }
    }

    /// SHA-256 of the rubric file's bytes and the reference's Swift sources. The deadline decides
    /// no check (the reports apply it), so a rubric with one is hashed without it: setting or
    /// moving a due date rewrites the gradebook without regrading anyone.
    static func fingerprint(rubricPath: String, referencePath: String?) throws -> String {
        var rubric = try ContentHash.of(path: rubricPath)
        if let data = FileManager.default.contents(atPath: rubricPath),
           var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["deadline"] != nil {
            object["deadline"] = nil
            let canonical = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            rubric = ContentHash.of(text: "rubric without its deadline " + String(decoding: canonical, as: UTF8.self))
        }
        let reference = referencePath.flatMap { ContentHash.ofSources(in: $0) } ?? "none"
        return ContentHash.of(text: "grader \(GraderVersion.number)\nrubric \(rubric)\nreference \(reference)\n")
    }

    /// Every `*.zip` and folder in the directory (hidden entries and the output folder aside).
    /// Two entries with one id (`alice.zip` and `alice/`) are refused: which is graded would depend
    /// on the run.
    public func entries() throws -> [Entry] {
        do {
            return try CourseFolder.entries(in: options.directory, excluding: [options.out])
        } catch let twins as CourseFolder.TwinEntries {
            throw BatchSetupFailure(description: twins.description)
        }
    }

    /// `entries` narrowed by `--only` and `--exclude` (ids); an id that is not in the folder is refused.
    public func selected(_ entries: [Entry], only: [String], exclude: [String]) throws -> [Entry] {
        let ids = Set(entries.map(\.id))
        if let unknown = (only + exclude).first(where: { !ids.contains($0) }) {
            throw BatchSetupFailure(description: "no submission '\(unknown)' in \(options.directory) (ids are the zip or folder names without .zip)")
        }
        return entries.filter { (only.isEmpty || only.contains($0.id)) && !exclude.contains($0.id) }
    }

    /// Students the store has but the folder no longer holds: kept in grades.sqlite, left out of
    /// the gradebook and named in the summary.
    public func vanished(_ entries: [Entry]) throws -> [String] {
        let ids = Set(entries.map(\.id))
        return try store.submissions().map(\.id).filter { !ids.contains($0) }
    }

    /// The entries to grade now: new, changed, unfinished, or all with `regrade`.
    public func pending(_ entries: [Entry]) throws -> [(Entry, String)] {
        try entries.compactMap { entry in
            // The submission's content and what grades it: a fixed rubric or reference regrades.
            let content = try store.fileHash(entry.path) { try ContentHash.of(path: entry.path) }
            let hash = ContentHash.of(text: "submission \(content)\ngraded with \(gradingInputs)\n")
            if !options.regrade, let row = try store.submission(entry.id), row.hash == hash, row.status != "in progress", row.status != "error" { return nil }
            return (entry, hash)
        }
    }

    /// Why the sandbox cannot work with these folders, if it cannot: its user must reach the work
    /// folders and the grader's build through folders that let others pass (o+x).
    public func sandboxProblem() -> String? {
        guard options.sandboxed else { return nil }
        if let exposed = Workspace.exposedInContainer(executable: options.executable, rubricPath: options.rubricPath, reference: options.referencePath) {
            return exposed
        }
        return Workspace.unreachableFolder(executable: options.executable, rubric: rubric, also: [("the output folder", options.out)])
    }

    /// Grades what is pending; `report` is called after each submission with its stored row.
    /// Limits count the submission's CPU time; a check stopped by the wall-clock backstop while it
    /// was computing (the machine too busy) is graded again alone at the end (`retried` is told
    /// first) and that grade counts: the machine's load must not decide it.
    public func run(_ work: [(Entry, String)], report: @escaping @Sendable (BatchStore.Submission) -> Void,
                    retried: @escaping @Sendable (String) -> Void = { _ in }) throws {
        // Identical sources (a resubmission, the untouched skeleton, a copy) compile once per batch.
        // Builds are copied in and out by the grader, outside every sandbox, and only before the
        // submission's own code has run; the key covers the sources, the flags and ExerciseKit.
        try? FileManager.default.createDirectory(atPath: sharedBuilds, withIntermediateDirectories: true)
        let cleanup = Interruption.addCleanup { [sharedBuilds] in try? FileManager.default.removeItem(atPath: sharedBuilds) }
        defer {
            if Interruption.removeCleanup(cleanup) { try? FileManager.default.removeItem(atPath: sharedBuilds) }
            // Each job removed its own folder; the parent goes too when nothing is left in it.
            rmdir("\(options.out)/work")
        }
        let timedOut = FailureBox()
        try runJobs(Self.duplicatesLast(work), jobs: options.jobs) { [self] row in
            let starved = row.status == "timed out" && options.jobs > 1
                && ((try? store.results(of: row.id)) ?? []).contains { $0.message.contains(ProcessTreeCPU.tooBusy) }
            if starved { timedOut.add(row.id) } else { report(row) }
        }
        let again = work.filter { timedOut.all.contains($0.0.id) }
        for (entry, _) in again { retried(entry.id) }
        try runJobs(again, jobs: 1, report: report)
    }

    /// A submission byte-identical to an earlier one is graded after all the others: by then the
    /// first one's build is in the shared builds (side by side, both would compile).
    static func duplicatesLast(_ work: [(Entry, String)]) -> [(Entry, String)] {
        var seen = Set<String>()
        let firsts = work.filter { seen.insert($0.1).inserted }
        let firstIDs = Set(firsts.map(\.0.id))
        return firsts + work.filter { !firstIDs.contains($0.0.id) }
    }

    /// The batch's builds, shared by its jobs (never inside a sandbox: beside the work folders).
    var sharedBuilds: String { "\(options.out)/work/.builds" }

    private func runJobs(_ work: [(Entry, String)], jobs requested: Int, report: @escaping @Sendable (BatchStore.Submission) -> Void) throws {
        guard !work.isEmpty else { return }
        let queue = WorkQueue(work)
        let failures = FailureBox()
        let finished = DispatchSemaphore(value: 0)
        let jobs = max(1, min(requested, work.count))
        // One thread per job: each mostly waits on its compiler and worker processes.
        for slot in 0..<jobs {
            let thread = Thread { [self] in
                while let (entry, hash) = queue.next() {
                    do {
                        report(try grade(entry, hash: hash, slot: slot))
                    } catch {
                        // One student never stops a batch: whatever failed becomes this student's row.
                        let row = BatchStore.Submission(
                            id: entry.id, hash: hash, status: "error", total: 0, maximum: maximumPoints,
                            failure: "the grader could not grade this submission: \(error)", unzipSeconds: 0, compileSeconds: 0,
                            checkSeconds: 0, trainingSeconds: 0, wallSeconds: 0)
                        do {
                            try store.record(row, checks: [])
                            report(row)
                        } catch {
                            failures.add("\(entry.id): \(error)")
                        }
                    }
                }
                finished.signal()
            }
            thread.start()
        }
        for _ in 0..<jobs { finished.wait() }
        if let first = failures.first { throw GradingFailure.loadFailed(reason: "the batch could not grade \(first)") }
    }

    /// Grades one submission in a fresh work folder and stores the result.
    func grade(_ entry: Entry, hash: String, slot: Int) throws -> BatchStore.Submission {
        let start = DispatchTime.now()
        try store.markInProgress(entry.id, hash: hash)
        let workspace = try Workspace(folder: "\(options.out)/work/\(entry.id)", name: entry.id, slot: slot, rubric: rubric,
                                      executable: options.executable, sandboxed: options.sandboxed)
        defer { workspace.close() }

        var row = BatchStore.Submission(id: entry.id, hash: hash, status: "graded", total: 0, maximum: maximumPoints, failure: nil,
                                        unzipSeconds: 0, compileSeconds: 0, checkSeconds: 0, trainingSeconds: 0, wallSeconds: 0)
        var report = SubmissionReport(submission: entry.id)
        report.containment = workspace.containment
        let unzipStart = DispatchTime.now()
        do {
            try unpack(entry, into: workspace.submissionFolder)
            FaultInjection.reached(.unzip, submission: entry.id)
            row.unzipSeconds = Self.seconds(since: unzipStart)
            var session = GradingSession(rubric: rubric, executable: options.executable)
            session.referencePath = options.referencePath
            session.referenceOutputs = referenceOutputs
            session.diagnoseFailures = options.diagnoseFailures
            workspace.configure(&session, sharedCache: sharedBuilds)
            try workspace.prepare()
            report = try session.grade(submissionAt: workspace.submissionFolder, name: entry.id)
        } catch let error as ArchiveError {
            report.failure = "the zip cannot be unpacked safely: \(error)"
        }
        let sheet = Scorer.score(report, rubric: rubric, implementedGroups: Set(CheckCatalog.groups.map(\.name)))
        row.total = sheet.total
        row.compileSeconds = report.compileSeconds
        row.checkSeconds = report.checkSeconds
        row.trainingSeconds = report.results.filter { $0.group.hasPrefix("train") }.reduce(0) { $0 + $1.seconds }
        row.failure = report.failure
        if report.failure != nil {
            row.status = "not gradable"
        } else if !BatchReports.timeReason(report.results).isEmpty {
            // Graded; the gradebook's reason names the checks that ran out of time (they scored 0).
            row.status = "timed out"
        }
        row.containment = report.containment?.limits.joined(separator: "\n")
        row.sandboxed = report.containment?.sandboxed
        row.limitEvents = report.limitEvents.isEmpty ? nil : report.limitEvents.joined(separator: "\n")
        row.peakMemoryMiB = report.peakMemoryMiB
        row.judgePeakMiB = report.judgePeakMiB
        row.wallSeconds = Self.seconds(since: start)
        try store.record(row, checks: report.results)
        return row
    }

    /// Whether every folder on the way to `path` lets others through (o+x).
    public static func isReachableByOthers(_ path: String) -> Bool {
        var folder = URL(fileURLWithPath: path)
        while folder.path != "/" {
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: folder.path))?[.posixPermissions] as? NSNumber,
                  mode.intValue & 0o001 != 0 else { return false }
            folder.deleteLastPathComponent()
        }
        return true
    }

    /// Points of the scored groups (the rubric's maximum).
    var maximumPoints: Double { rubric.groups.filter { !$0.isDiagnostic }.reduce(0) { $0 + $1.percent } }

    /// Unzips (safely) or copies the submission into its work folder.
    func unpack(_ entry: Entry, into destination: String) throws {
        if entry.path.hasSuffix(".zip") {
            _ = try SafeExtractor(limits: rubric.extractionLimits).extract(zipPath: entry.path, into: destination)
        } else {
            try FileManager.default.copyItem(atPath: entry.path, toPath: destination)
        }
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

// The runner's state is read-only after init, its store serialises writes (GRDB queue).
extension BatchRunner: @unchecked Sendable {}

/// The batch cannot start (an unusable output folder): the TA's set-up, said as a sentence.
public struct BatchSetupFailure: Error, CustomStringConvertible {
    public let description: String
}

extension BatchRunner {
    /// The cause of a file or database error in words (not "SQLite error 14" or "Code=516").
    static func reason(_ error: Error) -> String {
        if let database = error as? DatabaseError {
            return database.resultCode == .SQLITE_CANTOPEN ? "the database cannot be created or opened there" : (database.message ?? "\(database.resultCode)")
        }
        return SubmissionBuilder.reason(error)
    }
}

/// An exclusive lock on the output folder (`.batch.lock`): two batches writing one gradebook would
/// grade each student twice and mix their rows. The kernel drops it when its holder dies (kill -9
/// included), so it is never stale.
final class OutputFolderLock: @unchecked Sendable {
    let descriptor: Int32

    init(folder: String) throws {
        let path = "\(folder)/.batch.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw BatchSetupFailure(description: "--out \(folder) cannot hold the batch's lock file (\(String(cString: strerror(errno)))): give a writable folder")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw BatchSetupFailure(description: "another grader batch\(holder.isEmpty ? "" : " (process \(holder))") is writing to --out \(folder): wait for it to finish, or give another --out")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit { close(descriptor) }
}

extension BatchRunner {
    /// Unmounts and removes what a killed run left in the work folder (nothing runs there now:
    /// this runner holds the output folder's lock).
    static func removeLeftovers(of work: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: work) else { return }
        for entry in entries { SubmissionDisk.detach("\(work)/\(entry)") }
        try? FileManager.default.removeItem(atPath: work)
    }
}

/// The shared list the job threads take submissions from.
final class WorkQueue: @unchecked Sendable {
    private var items: [(BatchRunner.Entry, String)]
    private let lock = NSLock()
    init(_ items: [(BatchRunner.Entry, String)]) { self.items = items.reversed() }
    func next() -> (BatchRunner.Entry, String)? {
        lock.lock()
        defer { lock.unlock() }
        return items.popLast()
    }
}

/// Harness errors raised on job threads.
final class FailureBox: @unchecked Sendable {
    private var messages: [String] = []
    private let lock = NSLock()
    func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return messages.first }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return messages }
}
