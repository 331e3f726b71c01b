import Foundation
import GradingModel
import Rubric

/// Compiles a submission's Swift sources into a shared library, the grader's way.
///
/// The student's `Package.swift` is never run (a manifest executes arbitrary code, measured):
/// every `.swift` file outside `Tests/`, build folders and manifests is compiled with
/// `swiftc -emit-library -O` against the grader's own ExerciseKit, plus an injected entry point.
/// Builds are cached by the SHA-256 of the sources, the flags and the ExerciseKit build.
public struct SubmissionBuilder: Sendable {
    public let exerciseKit: ExerciseKitLocation
    /// Where finished builds are kept, one folder per content hash.
    public let cacheDirectory: String
    public let compileTimeoutSeconds: Double
    /// A sandbox's command prefix; the compiler runs under it (the student's code is untrusted
    /// at compile time too: macros and pathological expressions).
    public var commandPrefix: [String] = []
    /// A cache the sandbox cannot see (the user's), consulted before compiling and filled after:
    /// a sandboxed `grader run` builds in its work folder, and identical sources are not rebuilt.
    public var sharedCacheDirectory: String?
    /// Compiler threads: the cores for one student's `grader run`, one per job in a batch.
    public var threads = 1
    /// A debug build (`-Onone -gline-tables-only`): only to rerun a check that crashed or hung, so
    /// the runtime's message and the student's file and line can be reported (issue 16). Cached apart.
    public var debug = false

    public init(exerciseKit: ExerciseKitLocation, cacheDirectory: String = SubmissionBuilder.defaultCacheDirectory,
                compileTimeoutSeconds: Double = 180) {
        self.exerciseKit = exerciseKit
        self.cacheDirectory = cacheDirectory
        self.compileTimeoutSeconds = compileTimeoutSeconds
    }

    /// `$GRADER_CACHE`, else `~/.cache/grader/builds`.
    public static var defaultCacheDirectory: String {
        if let override = ProcessInfo.processInfo.environment["GRADER_CACHE"] { return override }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/grader/builds").path
    }

    /// A compiled submission.
    public struct Build: Sendable {
        /// The shared library to load in a worker.
        public let libraryPath: String
        /// Seconds spent compiling; 0 when it came from the cache.
        public let compileSeconds: Double
        /// The sources compiled, relative to the submission folder.
        public let sources: [String]
    }

    /// The optimisation levels a TA may choose with GRADER_SWIFT_OPTIMIZATION; `make bench`
    /// compares them (compile time, trainings, suite) and docs/DECISIONS.md 51 says why the default.
    public static let optimizationLevels = ["-O", "-Osize"]
    public static let defaultOptimization = "-O"

    /// GRADER_SWIFT_OPTIMIZATION, checked: nil when unset, an error naming the allowed values otherwise.
    public static func optimizationFromEnvironment() throws -> String? {
        guard let value = ProcessInfo.processInfo.environment["GRADER_SWIFT_OPTIMIZATION"], !value.isEmpty else { return nil }
        guard optimizationLevels.contains(value) else {
            throw PluginHostError.invalidSetting(
                "GRADER_SWIFT_OPTIMIZATION=\(value) is not an optimisation level the grader compiles with: use \(optimizationLevels.joined(separator: " or ")), or unset it")
        }
        return value
    }

    /// Whole-module optimisation: 2.5 s against 5.8 s for the reference with the prebuilt module
    /// cache, and no slower code (BENCHMARKS.md, docs/DECISIONS.md 48). The level is part of the
    /// build and module caches' keys.
    static let flags = ["-emit-library",
                        ((try? optimizationFromEnvironment()) ?? nil) ?? defaultOptimization,
                        "-wmo", "-parse-as-library", "-module-name", "Submission", "-suppress-warnings", "-diagnostic-style", "llvm"]
    /// No optimisation keeps every frame and the runtime's messages; line tables give file and
    /// line (all the backtracer reads; full `-g` took 1.2 s against 1.1 s). `-wmo` runs one
    /// frontend instead of one per file, each parsing every file: a crashed or hung student's
    /// debug build takes 1.1 s instead of 2.2 s (a course's 13 files, issue 11).
    static let debugFlags = ["-emit-library", "-Onone", "-gline-tables-only", "-wmo", "-parse-as-library", "-module-name", "Submission",
                             "-suppress-warnings", "-diagnostic-style", "llvm"]
    /// The flags of this builder's kind of build.
    var flags: [String] { debug ? Self.debugFlags : Self.flags }

    /// The injected entry point: the ABI version this grader was built with and the C symbol
    /// that hands the worker's registry to the student's `registerSubmission`.
    static func entryPointSource(abiVersion: Int32) -> String {
        """
        // Injected by the grader; not part of the student's sources.
        import ExerciseKit

        @_cdecl("exercisekit_abi_version")
        public func __graderABIVersion() -> Int32 { \(abiVersion) }

        @_cdecl("exercisekit_register")
        public func __graderRegister(_ registry: UnsafeMutableRawPointer) {
            registerSubmission(Unmanaged<SubmissionRegistry>.fromOpaque(registry).takeUnretainedValue())
        }

        """
    }

    /// Compiles the submission at `root` (or returns the cached build of identical sources).
    public func build(submissionAt root: String, abiVersion: Int32) throws -> Build {
        _ = try Self.optimizationFromEnvironment()
        _ = try CompilerAllocator.fromEnvironment()
        let sources = try SubmissionSources.collect(in: root)
        var hasher = ContentHasher()
        hasher.update("abi \(abiVersion)\nflags \(flags.joined(separator: " "))\nkit \(exerciseKit.fingerprint)\n")
        for source in sources {
            let contents = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(source)"))
            hasher.update("file \(source) \(contents.count)\n")
            hasher.update(contents)
        }
        let key = hasher.finalize()
        let finalDirectory = "\(cacheDirectory)/\(key)"
        let library = "\(finalDirectory)/libSubmission.so"
        if FileManager.default.fileExists(atPath: library) {
            return Build(libraryPath: library, compileSeconds: 0, sources: sources)
        }
        if let shared = sharedCacheDirectory, FileManager.default.fileExists(atPath: "\(shared)/\(key)/libSubmission.so") {
            try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            if (try? FileManager.default.copyItem(atPath: "\(shared)/\(key)", toPath: finalDirectory)) != nil {
                return Build(libraryPath: library, compileSeconds: 0, sources: sources)
            }
        }

        let fileManager = FileManager.default
        let work = "\(cacheDirectory)/.tmp-\(key)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let entryPoint = "\(work)/GraderEntryPoint.swift"
        do {
            try fileManager.createDirectory(atPath: work, withIntermediateDirectories: true)
            try AtomicFile.write(SubmissionBuilder.entryPointSource(abiVersion: abiVersion), to: entryPoint)
        } catch {
            throw PluginHostError.cacheUnwritable(path: cacheDirectory, reason: Self.reason(error))
        }
        let cleanup = Interruption.addCleanup { try? FileManager.default.removeItem(atPath: work) }
        defer {
            if Interruption.removeCleanup(cleanup) { try? fileManager.removeItem(atPath: work) }
        }

        if !commandPrefix.isEmpty { chownForSandbox(work) }
        // swiftc knows only `.swift`: a `SOFTMAX.SWIFT` is compiled from a copy with that extension.
        var inputs: [String] = []
        for source in sources {
            guard !source.hasSuffix(".swift") else { inputs.append("\(root)/\(source)"); continue }
            let copy = "\(work)/\(source.dropLast(6)).swift"
            try fileManager.createDirectory(atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fileManager.copyItem(atPath: "\(root)/\(source)", toPath: copy)
            inputs.append(copy)
        }
        // Unsandboxed, the compiler dies with the grader (bubblewrap's --die-with-parent does it
        // in the sandbox): a grader killed with -9 leaves no compiler writing behind it.
        let dieWithGrader = commandPrefix.isEmpty && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            ? ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] : []
        let arguments = commandPrefix + dieWithGrader + [SubmissionBuilder.swiftcPath()] + flags + [
            "-I", exerciseKit.moduleDirectory, "-L", exerciseKit.libraryDirectory, "-lExerciseKit",
            "-Xlinker", "-rpath", "-Xlinker", exerciseKit.libraryDirectory,
            "-module-cache-path", ModuleCache.prepared(exerciseKit: exerciseKit, flags: flags) ?? "\(work)/module-cache",
            "-o", "\(work)/libSubmission.so",
        ] + (threads > 1 ? ["-num-threads", "\(threads)"] : [])
            + inputs + [entryPoint]

        let start = DispatchTime.now()
        let compiler = try ChildProcess(arguments: arguments, environment: Self.compilerEnvironment, inheritEnvironment: false)
        compiler.closeInput()
        let deadline = DispatchTime.now() + compileTimeoutSeconds
        guard compiler.drainAll(until: deadline) else {
            compiler.kill()
            _ = compiler.wait()
            throw GradingFailure.compileTimedOut(seconds: Int(compileTimeoutSeconds))
        }
        let termination = compiler.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard termination.exitCode == 0 else {
            let log = String(decoding: compiler.stderrTail, as: UTF8.self) + compiler.remainingOutput()
            // The driver itself ended by a signal and said nothing: it was stopped, it did not fail.
            if let signal = termination.signal, !log.contains(": error: ") {
                throw PluginHostError.compilerStopped(signal: Termination.name(of: signal))
            }
            throw GradingFailure.compileFailed(summary: SubmissionBuilder.summarize(log: log, root: root, work: work))
        }
        try? fileManager.removeItem(atPath: "\(work)/module-cache")
        try? fileManager.removeItem(atPath: entryPoint)
        // Publish atomically: a concurrent grader either sees the whole build or none.
        if rename(work, finalDirectory) != 0 && !fileManager.fileExists(atPath: library) {
            throw GradingFailure.loadFailed(reason: "could not store the build in \(finalDirectory)")
        }
        if let shared = sharedCacheDirectory { Self.publish(finalDirectory, into: shared, key: key) }
        return Build(libraryPath: library, compileSeconds: seconds, sources: sources)
    }

    /// The operating system's words for a file error (not Foundation's "Error Domain=…").
    public static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if (error as NSError).domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32((error as NSError).code))) }
        switch (error as? CocoaError)?.code {
        case .fileWriteNoPermission?: return "permission denied"
        case .fileWriteVolumeReadOnly?: return "read-only file system"
        case .fileWriteOutOfSpace?: return "no space left on the device"
        case .fileWriteFileExists?: return "a file is in the way"
        default: return error.localizedDescription
        }
    }

    /// Copies a finished build into `cache` under `key`, atomically (a copy, then a rename).
    static func publish(_ build: String, into cache: String, key: String) {
        let fileManager = FileManager.default
        let staging = "\(cache)/.tmp-\(key)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard (try? fileManager.createDirectory(atPath: cache, withIntermediateDirectories: true)) != nil,
              (try? fileManager.copyItem(atPath: build, toPath: staging)) != nil else { return }
        if rename(staging, "\(cache)/\(key)") != 0 { try? fileManager.removeItem(atPath: staging) }
    }

    /// An explicit environment: nothing of the TA's shell reaches the compiler or the worker
    /// (or, through `#environment`-like tricks, the submission).
    static var sandboxEnvironment: [String: String] {
        let toolchainBin = URL(fileURLWithPath: swiftcPath()).resolvingSymlinksInPath().deletingLastPathComponent().path
        return ["PATH": "\(toolchainBin):/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp",
                "SWIFT_BACKTRACE": "enable=no"]
    }

    /// The compiler's: the same, with the faster allocator preloaded (`CompilerAllocator`).
    static var compilerEnvironment: [String: String] {
        var environment = sandboxEnvironment
        if let allocator = CompilerAllocator.current { environment["LD_PRELOAD"] = allocator }
        return environment
    }

    /// Hands a fresh work folder to the sandbox's user (the uid in `--reuid=`).
    func chownForSandbox(_ folder: String) {
        guard let flag = commandPrefix.first(where: { $0.hasPrefix("--reuid=") }), let uid = UInt32(flag.dropFirst(8)) else { return }
        chown(folder, uid, uid)
        chown("\(folder)/GraderEntryPoint.swift", uid, uid)
    }

    /// Every compiler error, by file, relative to the submission, with its notes and source line.
    static func summarize(log: String, root: String, work: String) -> String {
        let diagnostics = CompilerDiagnostics.parse(log, root: root, work: work)
        guard !diagnostics.isEmpty else { return log.split(separator: "\n").suffix(15).joined(separator: "\n") }
        return CompilerDiagnostics.render(diagnostics)
    }

    /// `$SWIFTC`, else `swiftc` on the PATH, else the toolchain's default location.
    static func swiftcPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SWIFTC"] { return explicit }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/swiftc"
    }
}

/// Finds the Swift sources of a submission folder.
public enum SubmissionSources {
    /// Folder names never compiled: tests, build products, editor state.
    static let excludedFolders: Set<String> = ["Tests", ".build", ".swiftpm", "__MACOSX", "Packages"]

    /// Relative paths of every `.swift` file to compile, sorted; symlinks are not followed.
    public static func collect(in root: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PluginHostError.notASubmission(path: root, reason: "not a folder")
        }
        let found = files(in: root).filter { path in
            isSwiftSource(path) && !(path == "Package.swift" || (path.hasPrefix("Package@swift") && !path.contains("/")))
        }
        guard !found.isEmpty else { throw GradingFailure.noSources(path: root) }
        return found
    }

    /// `.swift` in any case (`SOFTMAX.SWIFT` from a case-insensitive disk is a source too).
    public static func isSwiftSource(_ path: String) -> Bool { path.lowercased().hasSuffix(".swift") }

    /// Every regular file below `root` (relative paths, sorted), skipping hidden and excluded
    /// folders, `.DS_Store` and AppleDouble `._*` files (Finder metadata); symlinks are not followed. `dispatch` and `grader check` look for
    /// required files in exactly what the build compiles from.
    public static func files(in root: String, excluding excluded: Set<String> = []) -> [String] {
        var result: [String] = []
        func walk(_ relative: String) {
            let folder = relative.isEmpty ? root : "\(root)/\(relative)"
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            for entry in entries.sorted() {
                let path = relative.isEmpty ? entry : "\(relative)/\(entry)"
                guard let type = (try? FileManager.default.attributesOfItem(atPath: "\(root)/\(path)"))?[.type] as? FileAttributeType else { continue }
                if type == .typeDirectory {
                    if !entry.hasPrefix(".") && !excludedFolders.contains(entry) { walk(path) }
                } else if type == .typeRegular, entry != ".DS_Store", !entry.hasPrefix("._"), !excluded.contains("\(root)/\(path)") {
                    result.append(path)
                }
            }
        }
        walk("")
        return result
    }
}
