/// Why an archive or array file cannot be used; each message names the thing and the fix.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case unsafeEntry(name: String, reason: String)
    case tooLarge(name: String, limit: Int)
    case tooManyEntries(count: Int, limit: Int)
    case readFailed(name: String, reason: String)
    case missingEntry(archive: String, name: String)
    case writeFailed(path: String, reason: String)
    case unsupportedArray(name: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open \(path) as a zip file: \(reason)"
        case .unsafeEntry(let name, let reason): return "unsafe entry '\(name)': \(reason)"
        case .tooLarge(let name, let limit): return "'\(name)' is larger than \(limit) bytes uncompressed: remove data and build products"
        case .tooManyEntries(let count, let limit): return "the zip has \(count) entries, more than \(limit): zip only your sources"
        case .readFailed(let name, let reason): return "cannot read '\(name)': \(reason)"
        case .missingEntry(let archive, let name): return "\(archive) has no entry '\(name)'"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        case .unsupportedArray(let name, let reason): return "\(name): \(reason)"
        }
    }
}
