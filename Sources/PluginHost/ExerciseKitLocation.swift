import Foundation

/// Where the grader's own built ExerciseKit is: the module to compile submissions against and
/// the shared library they link to. SwiftPM puts both beside the grader executable.
public struct ExerciseKitLocation: Sendable {
    /// The folder holding `ExerciseKit.swiftmodule`.
    public let moduleDirectory: String
    /// The folder holding `libExerciseKit.so`.
    public let libraryDirectory: String

    /// `$GRADER_EXERCISEKIT_DIR`, else the folder of the running executable (`.build/<config>/`).
    public static func locate(executable: String = CommandLine.arguments[0]) throws -> ExerciseKitLocation {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["GRADER_EXERCISEKIT_DIR"] {
            candidates.append(override)
        }
        candidates.append(URL(fileURLWithPath: executablePath(fallback: executable)).deletingLastPathComponent().path)
        let fileManager = FileManager.default
        for folder in candidates {
            let library = "\(folder)/libExerciseKit.so"
            for modules in ["\(folder)/Modules", folder]
            where fileManager.fileExists(atPath: "\(modules)/ExerciseKit.swiftmodule") && fileManager.fileExists(atPath: library) {
                return ExerciseKitLocation(moduleDirectory: modules, libraryDirectory: folder)
            }
        }
        throw PluginHostError.exerciseKitNotFound(searched: candidates)
    }

    /// The running executable's real path (`/proc/self/exe`), so a symlinked grader still works.
    public static func executablePath(fallback: String = CommandLine.arguments[0]) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? fallback
    }

    /// Identifies this ExerciseKit build for cache keys: size and modification time of the library.
    var fingerprint: String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: "\(libraryDirectory)/libExerciseKit.so")
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)-\(modified)"
    }
}
