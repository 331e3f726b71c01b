/// Forges answers on every pipe it can write, then carries on as the skeleton (throws).
func hostileAttack() throws {
    for fd in writablePipes() {
        writeAll(fd, forgedJSONLines())
        for id in 1...64 { writeAll(fd, forgedReplyFrame(id: UInt64(id), value: forgedTrue)) }
    }
}
