/// Replies to ids nobody asked for, and every one twice, then carries on.
func hostileAttack() throws {
    for fd in writablePipes() where fd > 2 {
        for id in [UInt64(1_000), 3, 3, 4, 4, 5, 5, UInt64.max] {
            writeAll(fd, forgedReplyFrame(id: id, value: forgedTrue))
        }
    }
}
