/// When a process waiting for a frame from the other side spins before it sleeps. Spinning pays on
/// an idle machine (the exercise 2 suite: 1.90 s against 2.28 s without; an hw5 training, two
/// frames per iteration, 4.2 s against 6–8 s: on a virtual machine a sleeping reader's wake-up
/// costs more than the iteration's arithmetic) and costs dearly when every core is busy (2.85 s
/// against 1.95 s, as in a batch at --jobs = cores): the spinning process holds the core the other
/// side needs. So it spins while spins keep finding frames, stops after `credit` misses in a row,
/// and tries again every `probeEvery` waits. The judge and the worker each keep one.
public struct SpinPolicy {
    /// Long enough to cover the judge's work between a training iteration's answer and the next
    /// call (decode, verify, update, encode: about 150 µs).
    public static let microseconds: UInt64 = 300
    static let credit = 8
    static let probeEvery = 32
    private var misses = 0
    private var waitsSinceProbe = 0

    public init() {}

    public mutating func shouldSpin() -> Bool {
        if misses < Self.credit { return true }
        waitsSinceProbe += 1
        if waitsSinceProbe >= Self.probeEvery { waitsSinceProbe = 0; return true }
        return false
    }

    public mutating func record(success: Bool) {
        misses = success ? 0 : min(misses + 1, Self.credit)
    }
}
