/// 100 MB without a newline (or a sensible frame length) on every pipe it can write.
func hostileAttack() throws {
    let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 20)
    for fd in writablePipes() {
        for _ in 0..<100 { writeAll(fd, chunk) }
    }
}
