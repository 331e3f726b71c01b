import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Shared by every hostile fixture: what a student who wants to forge the grader's answers can do
// from inside the worker. (Added to each fixture's sources by the tests and by make-course.py.)

/// Every descriptor of this process that is a pipe open for writing: wherever results could go.
func writablePipes() -> [Int32] {
    (Int32(0)..<1024).compactMap { fd -> Int32? in
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else { return nil }
        let mode = fcntl(fd, F_GETFL) & O_ACCMODE
        return mode == O_WRONLY || mode == O_RDWR ? fd : nil
    }
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}

/// The first release's "passed" line for public check ids (the attack that scored 100/100).
func forgedJSONLines() -> [UInt8] {
    let ids = ["TestOptimizers2.sgd", "TestOptimizers2.sgdWithMomentum", "TestOptimizers2.adam", "TestConv.forwardSize",
               "TestConv.gradient", "TestPooling.shape", "TestFullyConnected2.forwardSize", "TestNeuralNetwork2.irisData"]
    return Array(ids.map { id -> String in
        let parts = id.split(separator: ".")
        return "{\"result\":{\"check\":{\"group\":\"\(parts[0])\",\"name\":\"\(parts[1])\",\"status\":\"passed\",\"message\":\"\",\"seconds\":0.01},\"workersStarted\":1}}\n"
    }.joined().utf8)
}

/// A reply frame of the judge's binary protocol: length, tag 2, id, success 0, then `value`.
func forgedReplyFrame(id: UInt64, value: [UInt8]) -> [UInt8] {
    var payload: [UInt8] = [2]
    withUnsafeBytes(of: id.littleEndian) { payload.append(contentsOf: $0) }
    payload.append(0)
    payload.append(contentsOf: value)
    var frame: [UInt8] = []
    withUnsafeBytes(of: UInt32(payload.count).littleEndian) { frame.append(contentsOf: $0) }
    return frame + payload
}

/// `true`, as a value of the protocol.
let forgedTrue: [UInt8] = [1, 1]

/// Writes up to 2 GiB as 63 MiB files into `folder`; returns the bytes that were written.
func fill(_ folder: String, name: String) -> Int {
    let chunk = [UInt8](repeating: 7, count: 1 << 20)
    var total = 0
    for file in 0..<33 {
        let fd = open("\(folder)/\(name)-\(file).bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { break }
        var full = false
        for _ in 0..<63 {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { full = true; break }
            total += written
        }
        close(fd)
        if full { break }
    }
    return total
}
