import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file whole or not at all: a temporary file beside it, then a rename. Foundation's
/// `write(toFile:atomically: true)` on Linux leaves an empty `TemporaryDirectory.*` folder in
/// /tmp per call (measured: hundreds after a few runs), so the grader never uses it.
public enum AtomicFile {
    /// `mode` (e.g. 0o600) is set before the file appears under its name.
    public static func write(_ text: String, to path: String, mode: mode_t? = nil) throws {
        try write(Data(text.utf8), to: path, mode: mode)
    }

    public static func write(_ data: Data, to path: String, mode: mode_t? = nil) throws {
        let staging = "\(path).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: staging, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                           NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(errno))])
        }
        if let mode { chmod(staging, mode) }
        guard rename(staging, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: staging)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(code))])
        }
    }
}
