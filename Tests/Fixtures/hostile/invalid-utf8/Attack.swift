/// Replies whose error message is invalid UTF-8, for the first 64 ids, and invalid UTF-8 on stderr.
func hostileAttack() throws {
    let garbage: [UInt8] = [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80, 0x0A]
    for fd in writablePipes() {
        if fd <= 2 { writeAll(fd, garbage + garbage); continue }
        for id in 1...64 {
            // reply, failure (1), kind other (2), a string of 8 invalid bytes
            var payload: [UInt8] = [2]
            withUnsafeBytes(of: UInt64(id).littleEndian) { payload.append(contentsOf: $0) }
            payload += [1, 2, 8, 0, 0, 0] + garbage
            var frame: [UInt8] = []
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { frame.append(contentsOf: $0) }
            writeAll(fd, frame + payload)
        }
    }
}
