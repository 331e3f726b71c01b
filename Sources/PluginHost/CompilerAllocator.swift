import Foundation

/// The memory allocator the Swift compiler runs with: tcmalloc when it is installed.
///
/// The compiler allocates a great deal and glibc's malloc is slow at it: preloaded, tcmalloc
/// compiles the reference 4 % faster (3.48 s against 3.64 s, 7 interleaved runs; docs/DECISIONS.md
/// 79). The compiler's output is the same byte for byte but the build id, so the build cache's
/// key does not name the allocator. Only the compiler gets it: a worker runs a submission's code
/// under glibc's malloc, so its speed and memory are what the student measures at home.
public enum CompilerAllocator {
    /// The allocators `GRADER_COMPILER_MALLOC` may name.
    public static let choices = ["tcmalloc", "glibc"]
    /// gperftools' tcmalloc without its profilers (Debian: libtcmalloc-minimal4).
    static let library = "libtcmalloc_minimal.so.4"
    /// Under `/usr` only: the sandbox binds `/usr`, so the compiler finds it there too.
    static let folders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]

    /// The library to preload into the compiler, nil for glibc's malloc.
    /// `setting` is `GRADER_COMPILER_MALLOC`: unset uses tcmalloc when installed; `glibc` never does;
    /// `tcmalloc` requires it.
    static func preload(setting: String?, isInstalled: (String) -> Bool) throws -> String? {
        switch setting ?? "" {
        case "glibc":
            return nil
        case "", "tcmalloc":
            let found = folders.map { "\($0)/\(library)" }.first(where: isInstalled)
            if found == nil && setting == "tcmalloc" {
                throw PluginHostError.invalidSetting(
                    "GRADER_COMPILER_MALLOC=tcmalloc but \(library) is not installed: install it (apt-get install libtcmalloc-minimal4) or unset the variable")
            }
            return found
        default:
            throw PluginHostError.invalidSetting(
                "GRADER_COMPILER_MALLOC=\(setting!) is not an allocator the grader knows: use \(choices.joined(separator: " or ")), or unset it")
        }
    }

    /// A regular file everyone may read: the sandbox's users load it too.
    static func isInstalled(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && (status.st_mode & S_IROTH) != 0
    }

    /// This process's choice, checked: an error naming the fix when `GRADER_COMPILER_MALLOC` is wrong.
    public static func fromEnvironment() throws -> String? {
        try preload(setting: ProcessInfo.processInfo.environment["GRADER_COMPILER_MALLOC"], isInstalled: isInstalled)
    }

    /// The library every compile preloads (a wrong setting is reported by `SubmissionBuilder.build`
    /// and falls back to glibc here).
    static let current: String? = (try? fromEnvironment()) ?? nil
}
