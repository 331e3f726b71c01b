import Foundation

/// Runs untrusted code (the compiler on a submission, and its worker) under bubblewrap.
///
/// An allow-list: the sandbox starts from an empty root and binds, read-only, only what the
/// compiler and the worker need: the system's `/usr` (and the `/bin`, `/lib` links into it), a
/// few files of `/etc` the dynamic loader and the C library read, the Swift toolchain, the
/// grader's own build, the data sets and the submission's work folder. Nothing else of the host
/// exists inside: no home folders, no other checkouts of the project, no other courses.
/// Writable: the build folder while compiling, and `/tmp` (a size-limited filesystem). No
/// network, no other processes, no further user namespaces.
///
/// As root, `setpriv` first drops to a uid of the job's own (so RLIMIT_NPROC holds and parallel
/// jobs cannot signal each other) and the process joins the submission's control group.
/// Without root, bubblewrap runs the same sandbox in an unprivileged user namespace as the
/// current user.
public struct Sandbox: Sendable, Equatable {
    public enum Identity: Sendable, Equatable {
        /// Root drops to this uid and gid before entering the sandbox.
        case dedicatedUser(uid: UInt32)
        /// The current (non-root) user, in a user namespace of its own.
        case currentUser
        /// Inside a container that refuses namespaces (Docker's default seccomp profile, as on
        /// Gradescope): root drops to this uid with no capabilities and no new privileges, and
        /// the file system's permissions are the boundary (no allow-list: hidden material must be
        /// unreadable to that uid, as Gradescope's run_autograder makes it). The container is the machine's
        /// boundary; the worker's own seccomp filter refuses processes, sockets but AF_UNIX, ptrace and file writes.
        case containerUser(uid: UInt32)
    }

    public var identity: Identity
    /// The submission's folder on the host: readable inside, writable only where `prefix` says.
    public var workDirectory: String
    /// Folders or files bound read-only besides the system: the grader's build, the data sets.
    public var readOnly: [String]
    /// A host folder bound as `/tmp` (on the submission's own size-limited disk), or nil for a
    /// fresh tmpfs of `tmpMiB` per sandboxed process.
    public var tmpDirectory: String?
    public var tmpMiB: Int
    /// A command that moves the process into the submission's control group first (root only).
    public var joinPrefix: [String]

    public init(identity: Identity, workDirectory: String, readOnly: [String], tmpDirectory: String? = nil,
                tmpMiB: Int = 512, joinPrefix: [String] = []) {
        self.identity = identity
        self.workDirectory = workDirectory
        self.readOnly = readOnly
        self.tmpDirectory = tmpDirectory
        self.tmpMiB = tmpMiB
        self.joinPrefix = joinPrefix
    }

    static let bwrap = "/usr/bin/bwrap"
    static let setpriv = "/usr/bin/setpriv"

    /// The few files of /etc a process may read: the loader's cache, user and group names (so
    /// `id` and Foundation do not fail), the time zone, the alternatives links (`cc`, `ld`).
    static let etcAllowList = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "passwd", "group",
                               "nsswitch.conf", "localtime", "os-release"]

    /// The uid the code runs as, when root chose one.
    public var uid: UInt32? {
        switch identity {
        case .dedicatedUser(let uid), .containerUser(let uid): uid
        case .currentUser: nil
        }
    }

    /// Whether this sandbox is the container regime (no namespaces, no allow-list).
    public var inContainer: Bool {
        if case .containerUser = identity { return true }
        return false
    }

    /// The compiler's command prefix: its build folder writable, the prebuilt module cache
    /// (`ModuleCache`) readable.
    public func compilerPrefix(buildDirectory: String) -> [String] {
        prefix(writable: [buildDirectory], readable: [ModuleCache.root], environment: SubmissionBuilder.compilerEnvironment)
    }

    /// The worker's command prefix: everything read-only but `/tmp`.
    public var workerPrefix: [String] { prefix(writable: []) }

    /// `[sh -c join…] [setpriv …] bwrap … --`, with only `environment` inside (by default the
    /// worker's, `SubmissionBuilder.sandboxEnvironment`).
    public func prefix(writable: [String], readable: [String] = [], environment: [String: String]? = nil) -> [String] {
        if case .containerUser(let uid) = identity { return containerPrefix(uid: uid, environment: environment) }
        var arguments = joinPrefix
        if let uid {
            arguments += [Self.setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--"]
        }
        arguments += [Self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                      "--ro-bind", "/usr", "/usr"]
        for link in ["bin", "lib", "lib32", "lib64", "libx32", "sbin"] {
            let path = "/\(link)"
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                arguments += ["--symlink", target, path]
            } else if FileManager.default.fileExists(atPath: path) {
                arguments += ["--ro-bind", path, path]
            }
        }
        for entry in Self.etcAllowList { arguments += ["--ro-bind-try", "/etc/\(entry)", "/etc/\(entry)"] }
        arguments += ["--dev", "/dev", "--proc", "/proc"]
        if let tmpDirectory {
            arguments += ["--bind", tmpDirectory, "/tmp"]
        } else {
            arguments += ["--size", "\(tmpMiB << 20)", "--tmpfs", "/tmp"]
        }
        for path in Self.toolchainFolders() + readOnly + [workDirectory] where !path.hasPrefix("/usr/") {
            arguments += ["--ro-bind", path, path]
        }
        for path in readable { arguments += ["--ro-bind-try", path, path] }
        for path in writable { arguments += ["--bind", path, path] }
        // Only these variables exist inside (the join shell would add its own, measured: PWD).
        arguments += ["--chdir", workDirectory, "--clearenv"]
        for (name, value) in (environment ?? SubmissionBuilder.sandboxEnvironment).sorted(by: { $0.key < $1.key }) {
            arguments += ["--setenv", name, value]
        }
        arguments.append("--")
        return arguments
    }

    /// The container regime's prefix: `[join…] setpriv` to the job's uid without capabilities or
    /// new privileges (killed with its parent), then `env` with only `environment` and `TMPDIR`
    /// (the job's own, as no tmpfs can be mounted), in the work folder.
    /// The container regime's `/tmp`: the bound folder's path, else the work folder's own `tmp`.
    var containerTmp: String { tmpDirectory ?? "\(workDirectory)/tmp" }

    func containerPrefix(uid: UInt32, environment: [String: String]?) -> [String] {
        var variables = environment ?? SubmissionBuilder.sandboxEnvironment
        variables["TMPDIR"] = containerTmp
        return joinPrefix + [Self.setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                             "--no-new-privs", "--pdeathsig", "KILL", "--", "/usr/bin/env", "-i", "-C", workDirectory]
            + variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// How untrusted code is contained on this host: bubblewrap's namespaces where they can be
    /// created; as root in a container that refuses them, the container regime; else nothing.
    public enum Regime: Equatable, Sendable {
        case namespaces
        case container(reason: String)
        case unavailable(reason: String)
    }

    nonisolated(unsafe) private static var probedRegime: Regime?

    /// This host's regime (probed once per process).
    public static func regime() -> Regime {
        if let probedRegime { return probedRegime }
        let regime: Regime
        if let reason = unavailableReason() {
            if geteuid() == 0 && canDropPrivileges() {
                regime = .container(reason: "bubblewrap cannot create namespaces here (a container's seccomp profile refuses them)")
            } else {
                regime = .unavailable(reason: reason)
            }
        } else {
            regime = .namespaces
        }
        probedRegime = regime
        return regime
    }

    /// Why untrusted code cannot be contained at all here (nil when one regime can).
    public static func noRegimeReason() -> String? {
        if case .unavailable(let reason) = regime() { return reason }
        return nil
    }

    /// Whether root can drop to an unprivileged uid without capabilities (the container regime).
    static func canDropPrivileges() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: setpriv) else { return false }
        let probe = Sandbox(identity: .containerUser(uid: 65534), workDirectory: "/", readOnly: [], tmpDirectory: "/tmp")
        guard let process = try? ChildProcess(arguments: probe.workerPrefix + ["/usr/bin/id", "-u"], inheritEnvironment: false) else { return false }
        process.closeInput()
        _ = process.drainAll(until: .now() + 10)
        return process.wait().exitCode == 0 && process.remainingOutput().trimmingCharacters(in: .whitespacesAndNewlines) == "65534"
    }

    /// The Swift toolchain's `usr` folder (holding `bin/swiftc`), when it is not the system's.
    static func toolchainFolders() -> [String] {
        let swiftc = URL(fileURLWithPath: SubmissionBuilder.swiftcPath()).resolvingSymlinksInPath()
        let usr = swiftc.deletingLastPathComponent().deletingLastPathComponent().path
        return usr == "/usr" || usr == "/" ? [] : [usr]
    }

    /// Whether bubblewrap (and, as root, setpriv) can start this kind of sandbox here.
    public static func isAvailable(asRoot: Bool = geteuid() == 0) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: bwrap) else { return false }
        if asRoot && !FileManager.default.isExecutableFile(atPath: setpriv) { return false }
        let probe = Sandbox(identity: asRoot ? .dedicatedUser(uid: 65534) : .currentUser, workDirectory: "/usr", readOnly: [])
        guard let process = try? ChildProcess(arguments: probe.workerPrefix + ["/bin/true"], inheritEnvironment: false) else { return false }
        process.closeInput()
        _ = process.drainAll(until: .now() + 10)
        return process.wait().exitCode == 0
    }

    /// Why untrusted code cannot be sandboxed here (nil when it can): root needs bubblewrap and
    /// setpriv; another user needs bubblewrap and unprivileged user namespaces.
    public static func unavailableReason() -> String? {
        guard FileManager.default.isExecutableFile(atPath: bwrap) else {
            return "bubblewrap is not installed, so untrusted code cannot be sandboxed: install it (apt-get install bubblewrap) or pass --no-sandbox for trusted submissions"
        }
        if isAvailable() { return nil }
        return geteuid() == 0
            ? "bubblewrap and setpriv cannot start a sandbox here: check that util-linux's setpriv is installed, or pass --no-sandbox for trusted submissions"
            : "bubblewrap cannot create an unprivileged user namespace here (kernel.unprivileged_userns_clone or user.max_user_namespaces): run as root, enable user namespaces, or pass --no-sandbox for trusted submissions"
    }

    /// Gives the sandbox's user the work folder (recursively), so it can write its build; in a
    /// container, with a `tmp` of its own.
    public func prepareWorkDirectory() throws {
        guard let uid else { return }
        if inContainer { try FileManager.default.createDirectory(atPath: containerTmp, withIntermediateDirectories: true) }
        let enumerator = FileManager.default.enumerator(atPath: workDirectory)
        chown(workDirectory, uid, uid)
        while let relative = enumerator?.nextObject() as? String {
            lchown("\(workDirectory)/\(relative)", uid, uid)
        }
    }
}

/// The grader's own peak memory (its resident set at most), for reports and the 256 MiB target.
public enum GraderMemory {
    public static var peakMiB: Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
