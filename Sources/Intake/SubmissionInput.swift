import Archive
import Foundation
import PluginHost
import Rubric

/// A submission as given on the command line (a folder or a zip), made available as a folder.
///
/// A zip is unpacked by ``SafeExtractor`` into a fresh temporary folder that is removed again by
/// ``cleanUp()``; nothing else on disk is touched.
public final class SubmissionInput {
    /// The folder to compile and check.
    public let folder: String
    /// The name reports use: the folder or zip name without `.zip`.
    public let name: String
    /// What unpacking did, when the input was a zip.
    public let extraction: SafeExtractor.Result?
    private let temporary: String?

    /// Opens `path`; throws ``ArchiveError`` for an unsafe zip (after removing what it wrote).
    public init(path: String, limits: SafeExtractor.Limits) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ArchiveError.cannotOpen(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            (folder, name, extraction, temporary) = (url.path, url.lastPathComponent, nil, nil)
            return
        }
        let parent = try Self.makeTemporaryFolder()
        let destination = parent + "/submission"
        do {
            extraction = try SafeExtractor(limits: limits).extract(zipPath: url.path, into: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: parent)
            throw error
        }
        (folder, temporary) = (destination, parent)
        name = url.deletingPathExtension().lastPathComponent
        cleanupToken = Interruption.addCleanup { try? FileManager.default.removeItem(atPath: parent) }
    }

    deinit { cleanUp() }

    /// Registered with `Interruption`: Ctrl-C still removes the unpacked zip.
    private var cleanupToken: Int?

    /// Removes the temporary folder of an unpacked zip.
    public func cleanUp() {
        if let token = cleanupToken {
            cleanupToken = nil
            guard Interruption.removeCleanup(token) else { return }  // the interruption's handler removes it
        }
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// A new private folder under `$TMPDIR` (mkdtemp: unique, mode 0700).
    static func makeTemporaryFolder() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("grader-XXXXXX").path
        var template = Array(base.utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ArchiveError.writeFailed(path: base, reason: String(cString: strerror(errno)))
        }
        return String(cString: result)
    }
}

extension Rubric {
    /// The rubric's intake limits over the defaults.
    public var extractionLimits: SafeExtractor.Limits {
        var limits = SafeExtractor.Limits()
        if let value = intake?.maxEntries { limits.maxEntries = value }
        if let value = intake?.maxEntryBytes { limits.maxEntryBytes = value }
        if let value = intake?.maxTotalBytes { limits.maxTotalBytes = value }
        if let value = intake?.maxCompressionRatio { limits.maxCompressionRatio = value }
        return limits
    }
}
