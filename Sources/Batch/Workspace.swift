import Checks
import Foundation
import GradingModel
import PluginHost
import Rubric

/// One submission's work folder and everything that contains its code while it is graded: the
/// sandbox, the control group (memory and processes of the whole tree), the size-limited disk.
/// Used by `grader batch` (one per submission) and `grader run` as root.
///
/// Each piece is the strongest this host offers, and ``containment`` says which were in force.
public final class Workspace {
    public let folder: String
    public let sandbox: Sandbox?
    public let treeLimits: ProcessTreeLimits?
    public let disk: SubmissionDisk?
    public let containment: Containment

    public var submissionFolder: String { "\(folder)/submission" }
    public var buildFolder: String { "\(folder)/build" }

    /// Prepares `folder` (emptied) for `name`. `sandboxed` false runs the code unconfined, and
    /// `unsandboxedReason` says why in every report.
    public init(folder: String, name: String, slot: Int, rubric: Rubric, executable: String,
                sandboxed: Bool, unsandboxedReason: String = "--no-sandbox was given") throws {
        self.folder = folder
        let limits = rubric.limits
        SubmissionDisk.detach(folder)
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let asRoot = geteuid() == 0
        guard sandboxed else {
            sandbox = nil
            treeLimits = nil
            disk = nil
            containment = Containment(sandboxed: false, limits: [
                "sandbox: NONE (\(unsandboxedReason)): the submission's code ran with the grader's rights and could read its files",
                "memory: \(limits.memoryMiB) MiB of address space per process (rlimit)",
                "processes: 64 per user (rlimit)",
                "disk: 64 MiB per file (rlimit), no total",
            ] + Self.commonLimits(limits))
            try FileManager.default.createDirectory(atPath: "\(folder)/build", withIntermediateDirectories: true)
            return
        }
        let disk = asRoot ? SubmissionDisk(folder: folder, sizeMiB: limits.diskLimitMiB) : nil
        self.disk = disk
        let tmp = "\(folder)/tmp"
        try FileManager.default.createDirectory(atPath: "\(folder)/build", withIntermediateDirectories: true)
        if disk != nil {
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            chmod(tmp, 0o1777)
        }
        let safeName = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(64))
        treeLimits = ProcessTreeLimits(name: "slot\(slot)-\(safeName)", memoryMiB: limits.treeMemoryMiB, processes: limits.processLimit)
        let graderBuild = Self.graderBuild(of: executable)
        let regime = Sandbox.regime()
        let uid = 61_000 + UInt32(slot)
        sandbox = Sandbox(identity: !asRoot ? .currentUser : regime == .namespaces ? .dedicatedUser(uid: uid) : .containerUser(uid: uid),
                          workDirectory: folder, readOnly: [graderBuild, rubric.dataDirectory].compactMap { $0 },
                          tmpDirectory: disk == nil ? nil : tmp, tmpMiB: limits.diskLimitMiB,
                          joinPrefix: treeLimits?.joinPrefix ?? [])
        let who = asRoot ? "as an unprivileged uid of its job's own (61000 + job)" : "as the current user in a user namespace"
        var lines = ["sandbox: bubblewrap, allow-list (system, toolchain, grader build, data sets, this submission; no network, no other files) \(who)"]
        if case .container(let reason) = regime, asRoot {
            lines = ["sandbox: CONTAINER (\(reason)): the container is the boundary; inside it the code runs as an unprivileged uid of its job's own (61000 + job) without capabilities, hidden material root-only (0700), the worker refusing processes, sockets but AF_UNIX, ptrace and file writes (seccomp)"]
        }
        if let treeLimits {
            lines.append("memory: \(limits.treeMemoryMiB) MiB for the submission's whole process tree (\(treeLimits.hierarchy.rawValue))")
            lines.append("processes: \(limits.processLimit) for the whole tree (\(treeLimits.hierarchy.rawValue))")
        } else {
            lines.append("memory: \(limits.memoryMiB) MiB of address space per process (rlimit; no control group available \(asRoot ? "on this host" : "without root"))")
            lines.append("processes: 64 per user (rlimit)")
        }
        if case .container = regime, asRoot, disk == nil {
            lines.append("disk: the worker can create or write no file (seccomp: no disk of its own can be mounted in a container); the compiler writes its work folder, 64 MiB per file (rlimit)")
        } else {
            lines.append(disk != nil
                ? "disk: \(limits.diskLimitMiB) MiB for the work folder and /tmp together (tmpfs); the worker can write only /tmp"
                : "disk: /tmp of \(limits.diskLimitMiB) MiB per process tree (tmpfs); the worker can write only /tmp")
        }
        containment = Containment(sandboxed: true, limits: lines + Self.commonLimits(limits))
        let (tree, mounted) = (treeLimits, disk)
        cleanupToken = Interruption.addCleanup { Self.release(treeLimits: tree, disk: mounted, folder: folder) }
    }

    /// The folder of the grader executable (its build: the worker, ExerciseKit), symlinks resolved.
    public static func graderBuild(of executable: String) -> String {
        URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// Why root's sandbox user cannot work with these folders, if it cannot: it must reach each
    /// through folders that let others pass (o+x). The grader's build and the data sets always;
    /// callers add their own (the batch's output folder). Nil without root (the same user).
    public static func unreachableFolder(executable: String, rubric: Rubric, also extra: [(what: String, path: String)] = []) -> String? {
        guard geteuid() == 0 else { return nil }
        let folders = extra + [("the grader's build", graderBuild(of: executable)), ("the data folder", rubric.dataDirectory ?? "")]
        for (what, path) in folders where !path.isEmpty && !BatchRunner.isReachableByOthers(path) {
            return "\(what) \(path) is not reachable by the sandbox's unprivileged user (a folder on its path lacks o+x): chmod o+x it or use another location, or pass --no-sandbox for trusted submissions"
        }
        return nil
    }

    /// In the container regime (no namespaces, so no allow-list) file permissions are the only
    /// boundary between the submission and the hidden material: the rubric, the reference and the
    /// grader's own sources (its checks are the oracle) must not be readable by the sandbox's
    /// users. The first that is, as a sentence with the fix; nil outside that regime or when none is.
    /// `graderSources` false: the caller protects them itself (run_autograder makes its own root-only).
    public static func exposedInContainer(executable: String, rubricPath: String, reference: String?, graderSources: Bool = true) -> String? {
        guard geteuid() == 0, case .container = Sandbox.regime() else { return nil }
        var material: [(what: String, path: String)] = [("the rubric", rubricPath)]
        if let reference { material.append(("the reference", reference)) }
        var folder = URL(fileURLWithPath: graderBuild(of: executable))
        while graderSources, folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.path + "/Sources/Checks") { material.append(("the grader's sources", folder.path + "/Sources")); break }
            folder.deleteLastPathComponent()
        }
        for (what, path) in material {
            if let readable = firstReadableByOthers(in: path) {
                return "in a container (no namespaces) file permissions are the sandbox's only boundary, and its users could read \(what) (\(readable)): chmod -R o-rwx \(path), or grade where bubblewrap can create namespaces"
            }
        }
        return nil
    }

    /// The first regular file at or under `path` that a user who is neither its owner nor in its
    /// group can read: o+r itself and o+x on every folder above it.
    static func firstReadableByOthers(in path: String) -> String? {
        func othersCanReach(_ file: String) -> Bool {
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & 0o004 != 0 else { return false }
            return BatchRunner.isReachableByOthers(URL(fileURLWithPath: file).deletingLastPathComponent().path)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return othersCanReach(path) ? path : nil }
        let files = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        for relative in files.sorted() {
            let file = "\(path)/\(relative)"
            var info = stat()
            guard lstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if othersCanReach(file) { return file }
        }
        return nil
    }

    static func commonLimits(_ limits: Rubric.Limits) -> [String] {
        let small = limits.checkTimeoutSeconds * Check.smallInputsScale
        return ["time: \(Int(limits.checkTimeoutSeconds)) s of CPU per check (\(small < 1 ? String(format: "%.1f", small) : "\(Int(small))") s for checks on small fixed inputs, more for trainings), \(Int(limits.submissionBudgetSeconds)) s of CPU for all of a submission's checks (wall-clock backstops \(Int(ProcessTreeCPU.wallBackstop(cpuSeconds: limits.checkTimeoutSeconds))) s and \(Int(ProcessTreeCPU.budgetBackstop(cpuSeconds: limits.submissionBudgetSeconds))) s)",
         "output: 16 MiB of printing per check",
         "programs: the submission cannot start processes or run programs (seccomp; threads are allowed)"]
    }

    deinit { close() }

    /// Hands the work folder to the sandbox's user (after the submission is unpacked into it).
    public func prepare() throws {
        try sandbox?.prepareWorkDirectory()
    }

    /// Copies a submission folder into the workspace (the sandbox sees only the copy, never the
    /// folders around the original) and hands it to the sandbox's user; returns the copy's path.
    public func adopt(copyOf folder: String) throws -> String {
        // What the build and the checks read (sources, submitted files), not `.build` or hidden
        // folders; contents only (FileManager.copyItem keeps owners, which a regular user cannot).
        let fileManager = FileManager.default
        for relative in SubmissionSources.files(in: folder) {
            let target = "\(submissionFolder)/\(relative)"
            try fileManager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard fileManager.createFile(atPath: target, contents: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(relative)"))) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
            }
        }
        try fileManager.createDirectory(atPath: submissionFolder, withIntermediateDirectories: true)
        try prepare()
        return submissionFolder
    }

    /// Sets the session up to compile and run inside this workspace; `sharedCache` (outside the
    /// sandbox) is consulted and filled around the build.
    public func configure(_ session: inout GradingSession, sharedCache: String? = nil) {
        session.sharedCacheDirectory = sharedCache
        session.cacheDirectory = buildFolder
        session.sandbox = sandbox
        session.treeLimits = treeLimits
        session.disk = disk
        session.containment = containment
    }

    private var closed = false
    /// Registered with `Interruption`: an interrupted grader still unmounts and removes this.
    private var cleanupToken: Int?

    /// Ends every process left, unmounts the disk and removes the folder: nothing of the
    /// submission outlives its grading.
    public func close() {
        guard !closed else { return }
        closed = true
        if let cleanupToken, !Interruption.removeCleanup(cleanupToken) { return }  // the interruption's handler releases it
        Self.release(treeLimits: treeLimits, disk: disk, folder: folder)
    }

    static func release(treeLimits: ProcessTreeLimits?, disk: SubmissionDisk?, folder: String) {
        treeLimits?.destroy()
        disk?.unmount()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
