import Foundation

/// Memory and process-count limits for a submission's whole process tree (compiler, worker and
/// everything they fork), through a control group of its own.
///
/// Per-process rlimits do not bound a tree: four forked children of 2.5 GiB each passed a 4 GiB
/// RLIMIT_AS and took 9 GB of the host (measured). A cgroup counts every process, thread and
/// tmpfs page the submission creates, and the kernel stops it at the limit (an OOM kill, a failed
/// fork). Needs root; the host's cgroup v1 `memory` + `pids` controllers are used when mounted,
/// else cgroup v2 when its root offers both controllers.
public final class ProcessTreeLimits: @unchecked Sendable {
    public enum Hierarchy: String, Sendable { case v1 = "cgroup v1", v2 = "cgroup v2" }

    public let hierarchy: Hierarchy
    public let memoryBytes: UInt64
    public let processes: Int
    /// The cgroup folders the processes join (v1: one per controller; v2: one).
    public let folders: [String]
    private var oomKillsSeen = 0
    private var processLimitHitsSeen = 0

    static let v1Root = "/sys/fs/cgroup"
    static let v2Candidates = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]

    /// Which hierarchy can hold per-submission groups here, if any (root, controllers present).
    public static func detect() -> Hierarchy? {
        guard geteuid() == 0 else { return nil }
        let fileManager = FileManager.default
        if fileManager.isWritableFile(atPath: "\(v1Root)/memory/cgroup.procs"),
           fileManager.isWritableFile(atPath: "\(v1Root)/pids/cgroup.procs") { return .v1 }
        return v2Root() == nil ? nil : .v2
    }

    /// The cgroup2 mount whose root offers `memory` and `pids` to children.
    static func v2Root() -> String? {
        v2Candidates.first { root in
            let controllers = (try? String(contentsOfFile: "\(root)/cgroup.controllers", encoding: .utf8)) ?? ""
            let names = Set(controllers.split(whereSeparator: \.isWhitespace))
            return names.contains("memory") && names.contains("pids") && FileManager.default.isWritableFile(atPath: "\(root)/cgroup.subtree_control")
        }
    }

    /// Creates the group `grader-<pid>/<name>` with its limits, or nil when the host offers none.
    public init?(name: String, memoryMiB: Int, processes: Int) {
        guard let hierarchy = Self.detect() else { return nil }
        _ = Self.staleGroupsRemoved
        self.hierarchy = hierarchy
        memoryBytes = UInt64(memoryMiB) << 20
        self.processes = processes
        let leaf = "grader-\(getpid())/\(name)"
        do {
            switch hierarchy {
            case .v1:
                folders = ["\(Self.v1Root)/memory/\(leaf)", "\(Self.v1Root)/pids/\(leaf)"]
                for folder in folders { try Self.makeFresh(folder) }
                try Self.write("\(memoryBytes)", to: "\(folders[0])/memory.limit_in_bytes")
                // Without swap accounting the line is absent; there is no swap to escape to then.
                try? Self.write("\(memoryBytes)", to: "\(folders[0])/memory.memsw.limit_in_bytes")
                try Self.write("\(processes)", to: "\(folders[1])/pids.max")
            case .v2:
                guard let root = Self.v2Root() else { return nil }
                // Controllers reach a group only through its parents' subtree_control.
                try? Self.write("+memory +pids", to: "\(root)/cgroup.subtree_control")
                try Self.makeFresh("\(root)/grader-\(getpid())", removeExisting: false)
                try? Self.write("+memory +pids", to: "\(root)/grader-\(getpid())/cgroup.subtree_control")
                folders = ["\(root)/\(leaf)"]
                try Self.makeFresh(folders[0])
                try Self.write("\(memoryBytes)", to: "\(folders[0])/memory.max")
                try? Self.write("0", to: "\(folders[0])/memory.swap.max")
                try Self.write("\(processes)", to: "\(folders[0])/pids.max")
            }
        } catch {
            return nil
        }
    }

    deinit { destroy() }

    /// The command prefix that moves the process into the group before it executes the rest
    /// (`sh` writes its own pid, then execs: nothing runs outside the group).
    public var joinPrefix: [String] {
        let writes = folders.indices.map { "echo $$ > \"$\($0 + 1)\"/cgroup.procs" }.joined(separator: " && ")
        return ["/bin/sh", "-c", "\(writes) && shift \(folders.count) && exec \"$@\"", "sh"] + folders
    }

    /// Limits hit since the last call, as sentences for the report (empty when none).
    public func newEvents() -> [String] {
        var events: [String] = []
        let kills = oomKills
        if kills > oomKillsSeen {
            events.append("reached the memory limit of \(memoryBytes >> 20) MiB for all of the submission's processes together; the kernel killed \(kills - oomKillsSeen == 1 ? "a process" : "\(kills - oomKillsSeen) processes")")
            oomKillsSeen = kills
        }
        let hits = processLimitHits
        if hits > processLimitHitsSeen {
            events.append("reached the limit of \(processes) processes and threads; \(hits - processLimitHitsSeen) fork or thread creations failed")
            processLimitHitsSeen = hits
        }
        return events
    }

    /// The most memory the group's processes held at once (v1: since creation; v2: the current
    /// reading if the kernel keeps no peak).
    public var peakMemoryBytes: UInt64 {
        switch hierarchy {
        case .v1: return Self.number(in: "\(folders[0])/memory.max_usage_in_bytes") ?? 0
        case .v2: return Self.number(in: "\(folders[0])/memory.peak") ?? Self.number(in: "\(folders[0])/memory.current") ?? 0
        }
    }

    var oomKills: Int {
        switch hierarchy {
        case .v1: return Self.field("oom_kill", in: "\(folders[0])/memory.oom_control")
        case .v2: return Self.field("oom_kill", in: "\(folders[0])/memory.events")
        }
    }

    var processLimitHits: Int { Self.field("max", in: "\((folders.last ?? ""))/pids.events") }

    /// Kills every process left in the group (a child that outlived its worker) and removes it.
    public func destroy() {
        for _ in 0..<50 {
            let pids = folders.flatMap { Self.pids(in: $0) }
            if pids.isEmpty { break }
            for pid in pids { kill(pid, SIGKILL) }
            usleep(20_000)
        }
        for folder in folders {
            rmdir(folder)
            // The run's parent group goes with its last submission (another job's keeps it).
            rmdir(URL(fileURLWithPath: folder).deletingLastPathComponent().path)
        }
    }

    /// Groups of graders that were killed (kill -9 cannot clean up): their leftover processes are
    /// ended and the groups removed, once per grader process.
    static let staleGroupsRemoved: Bool = {
        for group in groupsOfDeadGraders() {
            for leaf in (try? FileManager.default.contentsOfDirectory(atPath: group)) ?? [] {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: "\(group)/\(leaf)", isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                for pid in pids(in: "\(group)/\(leaf)") { kill(pid, SIGKILL) }
                usleep(50_000)
                rmdir("\(group)/\(leaf)")
            }
            rmdir(group)
        }
        return true
    }()

    /// Ends what killed graders left in their groups and removes the groups (once per process).
    public static func removeGroupsOfDeadGraders() { _ = staleGroupsRemoved }

    /// The `grader-<pid>` groups whose grader no longer runs, in every hierarchy this host has.
    public static func groupsOfDeadGraders() -> [String] {
        let parents = ["\(v1Root)/memory", "\(v1Root)/pids"] + (v2Root().map { [$0] } ?? [])
        return parents.flatMap { parent in
            ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { entry in
                guard entry.hasPrefix("grader-"), let pid = pid_t(entry.dropFirst("grader-".count)) else { return false }
                return kill(pid, 0) != 0 && errno == ESRCH
            }.map { "\(parent)/\($0)" }
        }
    }

    static func pids(in folder: String) -> [pid_t] {
        ((try? String(contentsOfFile: "\(folder)/cgroup.procs", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { pid_t($0) }
    }

    static func makeFresh(_ folder: String, removeExisting: Bool = true) throws {
        if removeExisting, FileManager.default.fileExists(atPath: folder) {
            for pid in pids(in: folder) { kill(pid, SIGKILL) }
            usleep(50_000)
            rmdir(folder)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static func write(_ value: String, to file: String) throws {
        let fd = open(file, O_WRONLY)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(fd) }
        let written = value.withCString { Glibc.write(fd, $0, strlen($0)) }
        guard written >= 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    static func number(in file: String) -> UInt64? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The value of `key value` in a flat-keyed cgroup file (0 when absent).
    static func field(_ key: String, in file: String) -> Int {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == key { return Int(parts[1]) ?? 0 }
        }
        return 0
    }
}
