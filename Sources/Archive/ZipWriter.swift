import CLibzip
import Foundation

/// Writes a new zip file with libzip: entries from memory, stored or deflated.
public final class ZipWriter {
    public let path: String
    private var archive: OpaquePointer?

    /// Creates (or truncates) the zip at `path`.
    public init(path: String) throws {
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            var zipError = zip_error_t()
            zip_error_init_with_code(&zipError, error)
            defer { zip_error_fini(&zipError) }
            var isDirectory: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? "it is a folder: give a file name ending in .zip"
                : String(cString: zip_error_strerror(&zipError)).lowercased() + ": choose another path"
            throw ArchiveError.writeFailed(path: path, reason: reason)
        }
        self.path = path
        self.archive = archive
    }

    deinit { if let archive { zip_discard(archive) } }

    /// Adds an entry. `compress: false` stores it (as `np.savez` does); `executable` marks it
    /// mode 0755 for unzip (a handout's scripts).
    public func add(name: String, data: Data, compress: Bool = true, executable: Bool = false) throws {
        guard let archive else { throw ArchiveError.writeFailed(path: path, reason: "already closed") }
        // libzip reads the buffer at close time and frees it (freep = 1), so hand it a malloc'd copy.
        let buffer = malloc(max(1, data.count))!
        data.copyBytes(to: buffer.assumingMemoryBound(to: UInt8.self), count: data.count)
        guard let source = zip_source_buffer(archive, buffer, zip_uint64_t(data.count), 1) else {
            free(buffer)
            throw ArchiveError.writeFailed(path: path, reason: String(cString: zip_strerror(archive)))
        }
        let index = zip_file_add(archive, name, source, zip_flags_t(ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            zip_source_free(source)
            throw ArchiveError.writeFailed(path: path, reason: String(cString: zip_strerror(archive)))
        }
        zip_set_file_compression(archive, zip_uint64_t(index), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0)
        if executable {
            zip_file_set_external_attributes(archive, zip_uint64_t(index), 0, zip_uint8_t(ZIP_OPSYS_UNIX), zip_uint32_t(0o100755) << 16)
        }
    }

    /// Writes the archive to disk.
    public func close() throws {
        guard let archive else { return }
        guard zip_close(archive) == 0 else {
            var reason = String(cString: zip_strerror(archive))
            // libzip writes a temporary file beside the target, then renames it.
            if reason.contains("temporary file") {
                reason = "its folder \(URL(fileURLWithPath: path).deletingLastPathComponent().path) is not writable: choose another path"
            }
            zip_discard(archive)
            self.archive = nil
            throw ArchiveError.writeFailed(path: path, reason: reason)
        }
        self.archive = nil
    }
}
