/// What contained a submission's code while it was graded: stated in every report, so a grade
/// produced without a sandbox says so wherever it is read.
public struct Containment: Codable, Sendable, Equatable {
    /// Whether the code ran in the sandbox at all.
    public var sandboxed: Bool
    /// One line per kind of limit: `sandbox: …`, `memory: …`, `processes: …`, `disk: …`, `time: …`.
    public var limits: [String]

    public init(sandboxed: Bool, limits: [String]) {
        self.sandboxed = sandboxed
        self.limits = limits
    }

    /// Sandboxed in the container regime (no namespaces; `Sandbox.Identity.containerUser`).
    public var inContainer: Bool { sandboxed && limits.first?.hasPrefix("sandbox: CONTAINER") == true }

    /// All limits on one line, for summaries and `--timings`.
    public var summary: String { limits.joined(separator: "; ") }
}
