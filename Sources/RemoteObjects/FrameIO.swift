import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Blocking frame I/O on a pair of descriptors, for the worker's side of the channel (the judge's
/// side, which must never block on the worker, uses `ChildProcess` with deadlines instead).
public final class BlockingFrameChannel {
    public let input: Int32
    public let output: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var spin = SpinPolicy()

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Writes one message; false when the other side has gone.
    @discardableResult
    public func send(_ message: WireMessage) -> Bool {
        let frame = WireWriter.frame(message)
        var offset = 0
        while offset < frame.count {
            let written = frame[offset...].withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if written > 0 { offset += written; continue }
            if written < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// The next message; nil at end of input. A malformed frame throws.
    public func receive(maxBytes: Int) throws -> WireMessage? {
        while true {
            let unread = buffer.count - start
            if unread >= 4 {
                let length = buffer[start..<(start + 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
                guard length <= maxBytes else { throw WireError("a frame of \(length) bytes (limit \(maxBytes))") }
                if unread >= 4 + length {
                    let payload = Array(buffer[(start + 4)..<(start + 4 + length)])
                    start += 4 + length
                    if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
                    return try WireReader.message(payload)
                }
            }
            if start > 0 { buffer.removeFirst(start); start = 0 }
            // The next call usually follows within microseconds: look for it briefly before
            // sleeping in read (the wake-up costs more than the call), while that keeps paying.
            if spin.shouldSpin() {
                var entry = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let end = DispatchTime.now().uptimeNanoseconds + SpinPolicy.microseconds * 1000
                while poll(&entry, 1, 0) == 0 && DispatchTime.now().uptimeNanoseconds < end {}
                spin.record(success: entry.revents & Int16(POLLIN) != 0)
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
