import Archive
import Foundation

/// One submission's Swift files, read from its folder or straight out of its zip (nothing is
/// unpacked to disk: a hostile zip's paths never reach the file system).
public struct SourceFiles: Sendable {
    public let id: String
    /// Relative path and text of each `.swift` file, sorted by path.
    public let files: [(path: String, text: String)]

    /// A file over this is no student's source (generated data pasted in): refused.
    public static let maximumFileBytes = 1 << 20
    public static let maximumTotalBytes = 16 << 20
    public static let maximumEntries = 5000

    public init(id: String, files: [(path: String, text: String)]) {
        self.id = id
        self.files = files.sorted { $0.path < $1.path }
    }

    /// Reads `path`, a folder or a zip.
    public static func read(id: String, path: String) throws -> SourceFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ArchiveError.cannotOpen(path: path, reason: "no such file or folder")
        }
        return isDirectory.boolValue ? try folder(id: id, path: path) : try zip(id: id, path: path)
    }

    static func isSwift(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        // Build products, hidden folders and macOS's resource forks are nobody's work.
        guard !components.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) else { return false }
        return path.lowercased().hasSuffix(".swift")
    }

    static func folder(id: String, path: String) throws -> SourceFiles {
        var files: [(String, String)] = []
        var total = 0
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw ArchiveError.cannotOpen(path: path, reason: "the folder cannot be listed")
        }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: full)
            // Symbolic links are not followed: they could point anywhere on the machine.
            guard attributes?[.type] as? FileAttributeType == .typeRegular, isSwift(relative) else { continue }
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            total += size
            guard size <= maximumFileBytes else { throw ArchiveError.tooLarge(name: relative, limit: maximumFileBytes) }
            guard total <= maximumTotalBytes else { throw ArchiveError.tooLarge(name: "the Swift files together", limit: maximumTotalBytes) }
            let data = try Data(contentsOf: URL(fileURLWithPath: full))
            files.append((relative, String(decoding: data, as: UTF8.self)))
        }
        return SourceFiles(id: id, files: files)
    }

    static func zip(id: String, path: String) throws -> SourceFiles {
        let reader = try ZipReader(path: path)
        guard reader.entryCount <= maximumEntries else { throw ArchiveError.tooManyEntries(count: reader.entryCount, limit: maximumEntries) }
        var files: [(String, String)] = []
        var total = 0
        for entry in try reader.entries() {
            guard let name = entry.name, !entry.isDirectory, isSwift(name) else { continue }
            // A symbolic link's "contents" are its target's path.
            if let mode = entry.unixMode, mode & 0o170000 == 0o120000 { continue }
            let data = try reader.data(of: entry, limit: maximumFileBytes)
            total += data.count
            guard total <= maximumTotalBytes else { throw ArchiveError.tooLarge(name: "the Swift files together", limit: maximumTotalBytes) }
            files.append((name, String(decoding: data, as: UTF8.self)))
        }
        return SourceFiles(id: id, files: files)
    }
}
