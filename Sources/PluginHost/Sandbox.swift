import Foundation

/// Runs untrusted code (the compiler on a submission, and its worker) under bubblewrap as an
/// unprivileged user: no network, a read-only system, a private /tmp, only the submission's work
/// folder writable, and the folders it must not see (hidden rubrics, the reference, other
/// students' work, the build cache) replaced by empty ones.
///
/// `setpriv` drops to `uid` outside bwrap, so RLIMIT_NPROC is enforced (it is not for root) and
/// each parallel job has a uid of its own: one student's fork bomb cannot starve another's worker.
public struct Sandbox: Sendable, Equatable {
    /// The only writable folder.
    public var workDirectory: String
    /// Folders hidden behind an empty tmpfs.
    public var masked: [String]
    /// Folders (inside masked ones) exposed again, read-only: the data sets.
    public var readOnly: [String]
    /// The unprivileged user and group the code runs as.
    public var uid: UInt32

    public init(workDirectory: String, masked: [String], readOnly: [String], uid: UInt32) {
        self.workDirectory = workDirectory
        self.masked = masked
        self.readOnly = readOnly
        self.uid = uid
    }

    static let bwrap = "/usr/bin/bwrap"
    static let setpriv = "/usr/bin/setpriv"

    /// The command prefix: `setpriv … bwrap … --`.
    public var prefix: [String] {
        var arguments = [Self.setpriv, "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--",
                         Self.bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                         "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        for folder in masked { arguments += ["--tmpfs", folder] }
        for folder in readOnly { arguments += ["--ro-bind", folder, folder] }
        arguments += ["--bind", workDirectory, workDirectory, "--chdir", workDirectory,
                      "--setenv", "HOME", workDirectory, "--setenv", "TMPDIR", "/tmp", "--"]
        return arguments
    }

    /// Whether bubblewrap and setpriv are installed and can start a sandbox here.
    public static func isAvailable() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: bwrap), FileManager.default.isExecutableFile(atPath: setpriv) else { return false }
        guard let probe = try? ChildProcess(arguments: [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--", "/bin/true"]) else { return false }
        probe.closeInput()
        _ = probe.drainAll(until: .now() + 10)
        return probe.wait().exitCode == 0
    }

    /// Gives the sandbox's user the work folder (recursively), so it can write there.
    public func prepareWorkDirectory() throws {
        let enumerator = FileManager.default.enumerator(atPath: workDirectory)
        chown(workDirectory, uid, uid)
        while let relative = enumerator?.nextObject() as? String {
            lchown("\(workDirectory)/\(relative)", uid, uid)
        }
    }
}
