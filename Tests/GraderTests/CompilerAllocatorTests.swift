import Foundation
import Testing
@testable import PluginHost

/// The compiler runs with tcmalloc preloaded (issue 11, docs/DECISIONS.md 79): chosen as the
/// setting says, given to the compiler and never to the worker, and without changing the code.
@Suite struct CompilerAllocatorTests {
    @Test func theSettingChoosesTheAllocator() throws {
        let installed: (String) -> Bool = { $0 == "/usr/lib64/libtcmalloc_minimal.so.4" }
        #expect(try CompilerAllocator.preload(setting: nil, isInstalled: installed) == "/usr/lib64/libtcmalloc_minimal.so.4")
        #expect(try CompilerAllocator.preload(setting: "tcmalloc", isInstalled: installed) == "/usr/lib64/libtcmalloc_minimal.so.4")
        #expect(try CompilerAllocator.preload(setting: "glibc", isInstalled: installed) == nil)
        // Not installed: glibc's malloc, unless tcmalloc was asked for by name.
        #expect(try CompilerAllocator.preload(setting: nil, isInstalled: { _ in false }) == nil)
        #expect(throws: PluginHostError.invalidSetting(
            "GRADER_COMPILER_MALLOC=tcmalloc but libtcmalloc_minimal.so.4 is not installed: install it (apt-get install libtcmalloc-minimal4) or unset the variable")) {
            try CompilerAllocator.preload(setting: "tcmalloc", isInstalled: { _ in false })
        }
        #expect(throws: PluginHostError.invalidSetting(
            "GRADER_COMPILER_MALLOC=jemalloc is not an allocator the grader knows: use tcmalloc or glibc, or unset it")) {
            try CompilerAllocator.preload(setting: "jemalloc", isInstalled: installed)
        }
        // Outside /usr the sandbox could not load it: such a copy is never chosen.
        #expect(try CompilerAllocator.preload(setting: nil, isInstalled: { !$0.hasPrefix("/usr/") }) == nil)
    }

    /// `make deps` installs it; without it every compile is 4 % slower.
    @Test func tcmallocIsInstalled() {
        #expect(CompilerAllocator.current != nil, "libtcmalloc_minimal.so.4 not found: apt-get install libtcmalloc-minimal4")
    }

    /// A sandbox as `grader run` makes one (root drops to nobody).
    static let sandbox = Sandbox(identity: getuid() == 0 ? .dedicatedUser(uid: 65534) : .currentUser, workDirectory: "/usr", readOnly: [])

    @Test func onlyTheCompilerIsGivenIt() throws {
        let allocator = try #require(CompilerAllocator.current)
        let sandbox = Self.sandbox
        let compiler = sandbox.compilerPrefix(buildDirectory: "/tmp")
        let worker = sandbox.workerPrefix
        #expect(compiler.joined(separator: " ").contains("--setenv LD_PRELOAD \(allocator)"))
        #expect(!worker.contains("LD_PRELOAD"))
        #expect(SubmissionBuilder.compilerEnvironment["LD_PRELOAD"] == allocator)
        #expect(SubmissionBuilder.sandboxEnvironment["LD_PRELOAD"] == nil)
    }

    /// Inside the sandbox the compiler's processes map it; the worker's do not.
    @Test(.enabled(if: Sandbox.isAvailable())) func theSandboxedCompilerLoadsIt() throws {
        let sandbox = Self.sandbox
        let compiler = sandbox.compilerPrefix(buildDirectory: "/tmp")
        for (prefix, expected) in [(compiler, true), (sandbox.workerPrefix, false)] {
            let process = try ChildProcess(arguments: prefix + ["/bin/cat", "/proc/self/maps"], inheritEnvironment: false)
            process.closeInput()
            #expect(process.drainAll(until: .now() + 10))
            let maps = process.remainingOutput()
            #expect(process.wait().exitCode == 0)
            #expect(maps.contains("libtcmalloc_minimal") == expected, "\(prefix.contains("LD_PRELOAD") ? "compiler" : "worker"): \(maps.prefix(300))")
        }
    }

    /// The build cache's key does not name the allocator: the code must be the same either way.
    @Test func theCodeIsTheSameEitherWay() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocator-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            public func product(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
                var c = [Double](repeating: 0, count: n * n)
                for i in 0..<n { for k in 0..<n { for j in 0..<n { c[i * n + j] += a[i * n + k] * b[k * n + j] } } }
                return c
            }
            public func histogram(_ words: [String]) -> [String: Int] { words.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
            """.write(toFile: folder + "/Code.swift", atomically: false, encoding: .utf8)
        var sections: [String] = []
        for (name, environment) in [("tcmalloc", SubmissionBuilder.compilerEnvironment), ("glibc", SubmissionBuilder.sandboxEnvironment)] {
            let library = "\(folder)/\(name).so"
            let compile = try ChildProcess(arguments: [SubmissionBuilder.swiftcPath(), "-emit-library", "-O", "-wmo", "-num-threads", "2",
                                                       "-module-name", "Code", "-module-cache-path", "\(folder)/mc-\(name)",
                                                       "-o", library, folder + "/Code.swift"],
                                           environment: environment, inheritEnvironment: false)
            compile.closeInput()
            #expect(compile.drainAll(until: .now() + 120))
            #expect(compile.wait().exitCode == 0, "\(compile.stderrLines())")
            // Code and constants only: the build id and the temporary objects' names differ each time.
            let copy = try ChildProcess(arguments: ["/usr/bin/objcopy", "-O", "binary", "--only-section=.text", "--only-section=.rodata",
                                                    library, "\(library).code"], inheritEnvironment: true)
            copy.closeInput()
            #expect(copy.drainAll(until: .now() + 30))
            #expect(copy.wait().exitCode == 0)
            sections.append(try Data(contentsOf: URL(fileURLWithPath: "\(library).code")).base64EncodedString())
        }
        #expect(sections[0].count > 1000)
        #expect(sections[0] == sections[1])
    }
}
