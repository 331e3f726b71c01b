import CLibzip
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Extracts an untrusted zip into a fresh folder, refusing anything that could escape it,
/// exhaust the disk or smuggle in something that is not a plain file.
///
/// Every rule is checked on the central directory *before* anything is written; while writing,
/// real bytes are counted (libzip does not enforce declared sizes) and the folder is removed
/// again if a limit is crossed, so a refused zip leaves nothing behind.
public struct SafeExtractor: Sendable {
    /// The limits, configurable in the rubric's `intake` section.
    public struct Limits: Codable, Sendable, Equatable {
        public var maxEntries: Int
        public var maxEntryBytes: Int
        public var maxTotalBytes: Int
        public var maxCompressionRatio: Double

        public init(maxEntries: Int = 1000, maxEntryBytes: Int = 10 << 20, maxTotalBytes: Int = 50 << 20,
                    maxCompressionRatio: Double = 100) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
            self.maxCompressionRatio = maxCompressionRatio
        }
    }

    /// What was extracted.
    public struct Result: Sendable, Equatable {
        /// Files written, relative to the destination.
        public var files: [String]
        /// Entries skipped as editor or OS junk (`__MACOSX/`, `.DS_Store`, `._*`, `.build/`, `.swiftpm/`).
        public var skipped: [String]
        /// The single wrapping folder that was stripped, if any.
        public var strippedFolder: String?
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Path components whose entries are skipped rather than refused.
    static let junk: Set<String> = ["__MACOSX", ".DS_Store", ".build", ".swiftpm"]

    /// Extracts `zipPath` into `destination`, which must not exist yet (it is created).
    public func extract(zipPath: String, into destination: String) throws -> Result {
        let reader = try ZipReader(path: zipPath)
        // Only kept entries count (a package zipped after `swift build` carries `.build/`), but
        // reading a directory of millions of entries is itself refused.
        guard reader.entryCount <= limits.maxEntries * 20 else {
            throw ArchiveError.tooManyEntries(count: reader.entryCount, limit: limits.maxEntries)
        }
        let plan = try self.plan(try reader.entries())
        guard plan.files.count <= limits.maxEntries else {
            throw ArchiveError.tooManyEntries(count: plan.files.count, limit: limits.maxEntries)
        }
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: destination) else {
            throw ArchiveError.writeFailed(path: destination, reason: "the destination already exists")
        }
        try fileManager.createDirectory(atPath: destination, withIntermediateDirectories: false)
        do {
            var total = 0
            for (entry, relative) in plan.files {
                try write(entry, from: reader, to: destination, relative: relative, total: &total)
            }
        } catch {
            try? fileManager.removeItem(atPath: destination)
            throw error
        }
        return Result(files: plan.files.map(\.1), skipped: plan.skipped, strippedFolder: plan.stripped)
    }

    /// Checks every entry and decides where each file goes; throws on the first unsafe one.
    func plan(_ entries: [ZipReader.Entry]) throws -> (files: [(ZipReader.Entry, String)], skipped: [String], stripped: String?) {
        var files: [(ZipReader.Entry, [String])] = []
        var skipped: [String] = []
        var seen = Set<String>()
        var declaredTotal: UInt64 = 0
        for entry in entries {
            guard let name = entry.name else {
                throw ArchiveError.unsafeEntry(name: String(decoding: entry.rawName, as: UTF8.self), reason: "the name is not valid UTF-8")
            }
            let components = try Self.components(of: name)
            // AppleDouble files (`._Conv.swift`: Finder metadata, not Swift) are junk wherever they are.
            if components.contains(where: Self.junk.contains) || components.last?.hasPrefix("._") == true {
                skipped.append(name)
                continue
            }
            if entry.isEncrypted { throw ArchiveError.unsafeEntry(name: name, reason: "it is encrypted: zip without a password") }
            if let mode = entry.unixMode {
                let type = mode & 0o170000
                if type == 0o120000 { throw ArchiveError.unsafeEntry(name: name, reason: "it is a symbolic link: include the file itself") }
                if type != 0 && type != 0o100000 && type != 0o040000 {
                    throw ArchiveError.unsafeEntry(name: name, reason: "it is a device, fifo or socket, not a file")
                }
                if mode & 0o6000 != 0 { throw ArchiveError.unsafeEntry(name: name, reason: "it has the setuid or setgid bit") }
            }
            let folded = components.joined(separator: "/").lowercased()
            guard seen.insert(folded).inserted else {
                throw ArchiveError.unsafeEntry(name: name, reason: "another entry has the same name (ignoring case)")
            }
            if entry.isDirectory { continue }
            guard entry.declaredSize <= UInt64(limits.maxEntryBytes) else {
                throw ArchiveError.tooLarge(name: name, limit: limits.maxEntryBytes)
            }
            declaredTotal += entry.declaredSize
            guard declaredTotal <= UInt64(limits.maxTotalBytes) else {
                throw ArchiveError.tooLarge(name: "the zip in total", limit: limits.maxTotalBytes)
            }
            if entry.declaredSize > 1024,
               Double(entry.declaredSize) > limits.maxCompressionRatio * Double(max(1, entry.compressedSize)) {
                throw ArchiveError.unsafeEntry(name: name, reason: "it compresses more than \(Int(limits.maxCompressionRatio)):1 (a zip bomb?)")
            }
            files.append((entry, components))
        }
        // Accept one wrapping folder (`submission/Sources/...`): strip it when every file is inside it.
        var stripped: String?
        // (`Sources/` is a package's own folder, not a wrapper.)
        if let first = files.first?.1.first, first != "Sources",
           files.allSatisfy({ $0.1.count > 1 && $0.1.first == first }) {
            stripped = first
            files = files.map { ($0.0, Array($0.1.dropFirst())) }
        }
        return (files.map { ($0.0, $0.1.joined(separator: "/")) }, skipped, stripped)
    }

    /// The components of an entry name; throws for absolute paths, `..`, backslashes and the like.
    /// (A colon is an ordinary character on POSIX: `a:b.txt` is written as such, inside the folder.)
    public static func components(of name: String) throws -> [String] {
        if name.hasPrefix("/") { throw ArchiveError.unsafeEntry(name: name, reason: "it is an absolute path") }
        if name.contains("\\") { throw ArchiveError.unsafeEntry(name: name, reason: "it contains a backslash (a Windows path trick)") }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ArchiveError.unsafeEntry(name: name, reason: "it contains control characters")
        }
        var parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        if parts.contains("..") { throw ArchiveError.unsafeEntry(name: name, reason: "it contains '..' (zip slip): it would be written outside the folder") }
        if parts.isEmpty || parts.contains(where: { $0.isEmpty || $0 == "." }) {
            throw ArchiveError.unsafeEntry(name: name, reason: "it has an empty or '.' path component")
        }
        return parts
    }

    /// Writes one file with O_EXCL|O_NOFOLLOW, counting real bytes against its declared size
    /// and the limits.
    func write(_ entry: ZipReader.Entry, from reader: ZipReader, to destination: String, relative: String, total: inout Int) throws {
        let path = "\(destination)/\(relative)"
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ArchiveError.writeFailed(path: relative, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let name = entry.name ?? relative
        let declared = Int(entry.declaredSize)
        var written = 0
        do {
            try reader.read(entry, limit: min(limits.maxEntryBytes, declared)) { chunk in
                written += chunk.count
                total += chunk.count
                guard total <= limits.maxTotalBytes else { throw ArchiveError.tooLarge(name: "the zip in total", limit: limits.maxTotalBytes) }
                var offset = 0
                while offset < chunk.count {
                    let count = Glibc.write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                    guard count > 0 else { throw ArchiveError.writeFailed(path: relative, reason: String(cString: strerror(errno))) }
                    offset += count
                }
            }
        } catch ArchiveError.tooLarge(_, let limit) where limit == min(limits.maxEntryBytes, declared) && declared < limits.maxEntryBytes {
            throw ArchiveError.unsafeEntry(name: name, reason: "it holds more than the \(declared) bytes its header declares")
        }
    }
}
