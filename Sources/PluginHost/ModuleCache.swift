import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Clang and Swift module cache every compile of a submission needs (SwiftShims, Glibc,
/// Foundation, ExerciseKit), built once per toolchain, ExerciseKit build and flags instead of once
/// per submission (measured: 5.8 s cold against 2.5 s warm for the reference), and then only read.
///
/// Compiles use it read-only: a module it lacks (a student's unusual import) is built in memory by
/// the compiler, so nothing one submission's compile does can reach the next one's. The cache
/// records its own path, so it is used where it was built: `/var/tmp/grader-module-cache` as root
/// (reachable by the sandbox's users), `~/.cache/grader/module-cache` otherwise.
public enum ModuleCache {
    public static var root: String {
        if let override = ProcessInfo.processInfo.environment["GRADER_MODULE_CACHE"] { return override }
        return geteuid() == 0 ? "/var/tmp/grader-module-cache"
            : FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/grader/module-cache").path
    }

    /// The prebuilt cache for these flags, building it first when needed; nil when it cannot be
    /// trusted or built (then each compile uses a private cache, as before).
    static func prepared(exerciseKit: ExerciseKitLocation, flags: [String]) -> String? {
        let swiftc = URL(fileURLWithPath: SubmissionBuilder.swiftcPath()).resolvingSymlinksInPath().path
        let attributes = try? FileManager.default.attributesOfItem(atPath: swiftc)
        var hasher = ContentHasher()
        hasher.update("swiftc \(swiftc) \((attributes?[.size] as? NSNumber)?.intValue ?? 0) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)\n")
        hasher.update("kit \(exerciseKit.fingerprint)\nflags \(flags.joined(separator: " "))\n")
        let folder = "\(root)/\(hasher.finalize().prefix(32))"
        if isTrusted(folder), FileManager.default.fileExists(atPath: "\(folder)/.complete") { return folder }
        guard ensureTrustedRoot() else { return nil }
        // One builder at a time (graders and jobs run side by side); the others wait, then use it.
        let lockFD = open("\(folder).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lockFD >= 0 else { return nil }
        defer { close(lockFD) }
        flock(lockFD, LOCK_EX)
        defer { flock(lockFD, LOCK_UN) }
        if isTrusted(folder), FileManager.default.fileExists(atPath: "\(folder)/.complete") { return folder }
        try? FileManager.default.removeItem(atPath: folder)
        guard build(into: folder, exerciseKit: exerciseKit, flags: flags) else {
            try? FileManager.default.removeItem(atPath: folder)
            return nil
        }
        return folder
    }

    /// Compiles a prelude importing what submissions import, with the submissions' flags.
    static func build(into folder: String, exerciseKit: ExerciseKitLocation, flags: [String]) -> Bool {
        let fileManager = FileManager.default
        let scratch = "\(root)/.prelude-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? fileManager.removeItem(atPath: scratch) }
        guard (try? fileManager.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])) != nil,
              (try? fileManager.createDirectory(atPath: scratch, withIntermediateDirectories: false)) != nil,
              (try? AtomicFile.write("import ExerciseKit\nimport Foundation\nimport Dispatch\n#if canImport(Glibc)\nimport Glibc\n#endif\n", to: "\(scratch)/Prelude.swift")) != nil
        else { return false }
        let arguments = [SubmissionBuilder.swiftcPath()] + flags + [
            "-I", exerciseKit.moduleDirectory, "-L", exerciseKit.libraryDirectory, "-lExerciseKit",
            "-module-cache-path", folder, "-o", "\(scratch)/libPrelude.so", "\(scratch)/Prelude.swift",
        ]
        guard let compiler = try? ChildProcess(arguments: arguments, environment: SubmissionBuilder.compilerEnvironment, inheritEnvironment: false) else { return false }
        compiler.closeInput()
        guard compiler.drainAll(until: .now() + 180) else { compiler.kill(); _ = compiler.wait(); return false }
        guard compiler.wait().exitCode == 0 else { return false }
        // Readable by everyone (the sandbox's users), writable by no one.
        let everything = (fileManager.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
        for relative in everything {
            var isDirectory: ObjCBool = false
            _ = fileManager.fileExists(atPath: "\(folder)/\(relative)", isDirectory: &isDirectory)
            chmod("\(folder)/\(relative)", isDirectory.boolValue ? 0o555 : 0o444)
        }
        guard fileManager.createFile(atPath: "\(folder)/.complete", contents: Data()) else { return false }
        chmod(folder, 0o555)
        return true
    }

    /// The root exists, is ours and no one else can write to it (a squatted /var/tmp folder is not).
    static func ensureTrustedRoot() -> Bool {
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return isTrusted(root)
    }

    /// Owned by this user, a real folder, not writable by group or others.
    static func isTrusted(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == geteuid() && (info.st_mode & 0o022) == 0
    }
}
