import Foundation

/// A course's folder of submissions, as `grader batch` and `grader similarity` read it: every
/// `*.zip` and folder is a student, whose id is its name without `.zip`; hidden entries and the
/// excluded paths (an output folder inside it) are not students.
public enum CourseFolder {
    public struct Entry: Sendable, Equatable {
        public let id: String
        public let path: String
        public init(id: String, path: String) { self.id = id; self.path = path }
    }

    /// Two entries with one id (`alice.zip` and `alice/`): which one counts would depend on the run.
    public struct TwinEntries: Error, CustomStringConvertible {
        public let description: String
    }

    public static func entries(in directory: String, excluding excluded: [String] = []) throws -> [Entry] {
        let left = Set(excluded.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let found: [Entry] = try FileManager.default.contentsOfDirectory(atPath: directory).sorted().compactMap { name in
            let path = URL(fileURLWithPath: "\(directory)/\(name)").standardizedFileURL.path
            guard !name.hasPrefix("."), !left.contains(path) else { return nil }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue { return Entry(id: name, path: path) }
            return name.lowercased().hasSuffix(".zip") ? Entry(id: String(name.dropLast(4)), path: path) : nil
        }
        let byID = Dictionary(grouping: found, by: \.id)
        if let (id, twins) = byID.first(where: { $0.value.count > 1 }) {
            let names = twins.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted()
            throw TwinEntries(description: "\(names.joined(separator: " and ")) in \(directory) are both student '\(id)': keep one (rename or remove the other) and run again")
        }
        return found
    }
}
