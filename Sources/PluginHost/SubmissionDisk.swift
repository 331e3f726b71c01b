import Foundation

/// A size-limited filesystem (tmpfs) mounted on a submission's work folder: its sources, its
/// build and its `/tmp` together can never hold more than `sizeMiB`, whatever it writes, and
/// unmounting gives every byte back. Needs root (mount).
///
/// RLIMIT_FSIZE bounds one file only: 2 GiB written as 63 MiB files filled the host's disk, and
/// 2 GiB in a private `/tmp` became 2 GiB of host memory (measured). The tmpfs's pages are
/// charged to the control group of the process that writes them, so they count against the
/// submission's memory limit too.
public final class SubmissionDisk: @unchecked Sendable {
    public let folder: String
    public let sizeMiB: Int
    private var mounted = false

    /// Mounts a fresh tmpfs of `sizeMiB` on `folder` (created if needed; an earlier mount left by a
    /// killed grader is detached first). Nil when mounting is not possible here.
    public init?(folder: String, sizeMiB: Int) {
        self.folder = folder
        self.sizeMiB = sizeMiB
        guard geteuid() == 0 else { return nil }
        Self.detach(folder)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let options = "size=\(sizeMiB)m,mode=0755,nr_inodes=65536"
        guard mount("tmpfs", folder, "tmpfs", UInt(MS_NOSUID | MS_NODEV), options) == 0 else { return nil }
        mounted = true
    }

    deinit { unmount() }

    /// Bytes in use now.
    public var usedBytes: UInt64 {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return 0 }
        return UInt64(info.f_blocks - info.f_bfree) * UInt64(info.f_frsize)
    }

    /// Whether it is (nearly) full: less than 1 MiB left.
    public var isFull: Bool {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
    }

    /// Unmounts (lazily, so a process still holding a file cannot keep it) and frees the memory.
    public func unmount() {
        guard mounted else { return }
        mounted = false
        Self.detach(folder)
    }

    public static func detach(_ folder: String) {
        while umount2(folder, Int32(MNT_DETACH)) == 0 {}
    }
}
