import CLibzip
import Foundation

/// A zip archive opened read-only with libzip. Entry metadata comes from the central directory;
/// contents are read with a byte limit that counts what is really decompressed, because
/// `zip_fread` does not enforce the declared size (measured: a 100 B entry gave 5 MiB).
public final class ZipReader {
    /// One entry of the central directory.
    public struct Entry: Equatable, Sendable {
        public let index: Int
        /// The raw name bytes decoded as UTF-8, or nil when they are not valid UTF-8.
        public let name: String?
        public let rawName: [UInt8]
        public let declaredSize: UInt64
        public let compressedSize: UInt64
        public let compressionMethod: Int32
        public let isEncrypted: Bool
        /// The creator system (3 = Unix) and its external attributes (Unix mode in the high 16 bits).
        public let creatorSystem: UInt8
        public let externalAttributes: UInt32

        /// The Unix file type bits, when the entry was made on Unix.
        public var unixMode: UInt32? { creatorSystem == 3 ? externalAttributes >> 16 : nil }
        public var isStored: Bool { compressionMethod == ZIP_CM_STORE }
        public var isDirectory: Bool { rawName.last == UInt8(ascii: "/") }
    }

    public let path: String
    private let archive: OpaquePointer

    public init(path: String) throws {
        var error: Int32 = 0
        var opened = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &error)
        // libzip's own check refuses valid zip64 archives of Info-ZIP: check names by hand instead.
        if opened == nil, error == ZIP_ER_INCONS, ZipConsistency.problem(path: path) == nil {
            opened = zip_open(path, ZIP_RDONLY, &error)
        }
        guard let archive = opened else {
            if error == ZIP_ER_INCONS, let problem = ZipConsistency.problem(path: path) {
                throw ArchiveError.cannotOpen(path: path, reason: "its headers disagree (\(problem)): zip the folder again with your system's zip tool")
            }
            var zipError = zip_error_t()
            zip_error_init_with_code(&zipError, error)
            defer { zip_error_fini(&zipError) }
            throw ArchiveError.cannotOpen(path: path, reason: String(cString: zip_error_strerror(&zipError)))
        }
        self.path = path
        self.archive = archive
    }

    deinit { zip_discard(archive) }

    /// The number of entries the central directory declares.
    public var entryCount: Int { Int(zip_get_num_entries(archive, 0)) }

    /// Metadata of entry `index`.
    public func entry(at index: Int) throws -> Entry {
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(archive, zip_uint64_t(index), ZIP_FL_ENC_RAW, &stat) == 0, let namePointer = stat.name else {
            throw ArchiveError.readFailed(name: "#\(index)", reason: String(cString: zip_strerror(archive)))
        }
        let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(namePointer).assumingMemoryBound(to: UInt8.self),
                                            count: strlen(namePointer)))
        var system: zip_uint8_t = 0
        var attributes: zip_uint32_t = 0
        zip_file_get_external_attributes(archive, zip_uint64_t(index), 0, &system, &attributes)
        return Entry(index: index, name: String(validating: raw, as: UTF8.self), rawName: raw,
                     declaredSize: stat.size, compressedSize: stat.comp_size,
                     compressionMethod: Int32(stat.comp_method),
                     isEncrypted: stat.encryption_method != ZIP_EM_NONE,
                     creatorSystem: system, externalAttributes: attributes)
    }

    /// Every entry, in central-directory order.
    public func entries() throws -> [Entry] { try (0..<entryCount).map(entry(at:)) }

    /// The entry named `name`, if any.
    public func entry(named name: String) throws -> Entry? { try entries().first { $0.name == name } }

    /// Streams an entry's contents to `sink` in chunks, stopping with `tooLarge` as soon as more
    /// than `limit` real bytes come out, whatever the header declares.
    public func read(_ entry: Entry, limit: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let file = zip_fopen_index(archive, zip_uint64_t(entry.index), 0) else {
            throw ArchiveError.readFailed(name: entry.name ?? "#\(entry.index)", reason: String(cString: zip_strerror(archive)))
        }
        defer { zip_fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
            if count < 0 {
                throw ArchiveError.readFailed(name: entry.name ?? "#\(entry.index)", reason: String(cString: zip_file_strerror(file)))
            }
            if count == 0 { return }
            total += Int(count)
            if total > limit { throw ArchiveError.tooLarge(name: entry.name ?? "#\(entry.index)", limit: limit) }
            try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)])) }
        }
    }

    /// An entry's whole contents, at most `limit` bytes.
    public func data(of entry: Entry, limit: Int) throws -> Data {
        var data = Data()
        try read(entry, limit: limit) { data.append(contentsOf: $0) }
        return data
    }
}
