import Foundation

/// The SHA-256 of a submission as handed in: a zip's bytes, or a folder's files (relative path
/// and contents, in sorted order). Batch grading regrades a submission only when this changes.
public enum ContentHash {
    public static func of(path: String) throws -> String {
        var hasher = ContentHasher()
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !isDirectory.boolValue {
            hasher.update(try Data(contentsOf: URL(fileURLWithPath: path)))
            return hasher.finalize()
        }
        let files = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []).sorted()
        for file in files {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(path)/\(file)", isDirectory: &folder), !folder.boolValue else { continue }
            let data = (try? Data(contentsOf: URL(fileURLWithPath: "\(path)/\(file)"))) ?? Data()
            hasher.update("file \(file) \(data.count)\n")
            hasher.update(data)
        }
        return hasher.finalize()
    }

    /// SHA-256 of a text: combines hashes and names into one key.
    public static func of(text: String) -> String {
        var hasher = ContentHasher()
        hasher.update(Array(text.utf8))
        return hasher.finalize()
    }

    /// SHA-256 of a folder's Swift sources only (what a build reads, not `.build/`), or nil
    /// when it has none.
    public static func ofSources(in folder: String) -> String? {
        guard let sources = try? SubmissionSources.collect(in: folder) else { return nil }
        var hasher = ContentHasher()
        for source in sources {
            let contents = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(source)"))) ?? Data()
            hasher.update("file \(source) \(contents.count)\n")
            hasher.update(contents)
        }
        return hasher.finalize()
    }
}
