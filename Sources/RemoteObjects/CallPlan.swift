/// Many calls of student functions in one round trip: the judge sends a plan (a fixed sequence of
/// calls on one object, wired together), the values every sample shares (the parameters) and each
/// sample's own values (an image and its label); the worker runs the plan once per sample and sends
/// back only the outputs the plan names, summed over the samples or one per sample.
///
/// The plan is data, written by the judge: the worker holds no loop, no parameters and no schedule
/// of its own. What it sends back is still the student's word, so the judge verifies it
/// (`TrainingVerifier`). Summing in the worker is what keeps a training affordable: per-sample
/// weight gradients of hw5's MLP would be 1.5 MB per iteration, the sum is 48 KB.
public struct CallPlan: Equatable, Sendable {
    /// Where a call's argument comes from.
    public enum Source: Equatable, Sendable, CustomStringConvertible {
        /// The i-th value every sample shares.
        case shared(Int)
        /// The i-th value of the current sample.
        case sample(Int)
        /// Step `step`'s result, or element `component` of it when it is a list.
        case result(step: Int, component: Int?)

        public var description: String {
            switch self {
            case .shared(let i): return "s\(i)"
            case .sample(let i): return "p\(i)"
            case .result(let step, let component?): return "r\(step).\(component)"
            case .result(let step, nil): return "r\(step)"
            }
        }

        init?(_ text: String) {
            let body = text.dropFirst()
            switch text.first {
            case "s": guard let i = Int(body), i >= 0 else { return nil }; self = .shared(i)
            case "p": guard let i = Int(body), i >= 0 else { return nil }; self = .sample(i)
            case "r":
                let parts = body.split(separator: ".", omittingEmptySubsequences: false)
                guard let step = parts.first.flatMap({ Int($0) }), step >= 0, parts.count <= 2 else { return nil }
                if parts.count == 2 {
                    guard let component = Int(parts[1]), component >= 0 else { return nil }
                    self = .result(step: step, component: component)
                } else {
                    self = .result(step: step, component: nil)
                }
            default: return nil
            }
        }
    }

    /// One call: `method` on the plan's object with these arguments. `reshape` is the plan's own
    /// operation (a tensor's values under `shape`), not a call of student code. `shape`, on a call,
    /// is the element count and shape its tensor result must have.
    public struct Step: Equatable, Sendable {
        public var method: String
        public var arguments: [Source]
        public var shape: [Int]?

        public init(_ method: String, _ arguments: [Source], shape: [Int]? = nil) {
            self.method = method
            self.arguments = arguments
            self.shape = shape
        }

        public static func reshape(_ source: Source, _ shape: [Int]) -> Step { Step("reshape", [source], shape: shape) }
    }

    /// An output: a step's value summed over the samples (a number or a tensor), or one per sample.
    public struct Output: Equatable, Sendable {
        public enum Mode: Int, Sendable { case sum = 0, each = 1 }
        public var source: Source
        public var mode: Mode

        public init(_ source: Source, _ mode: Mode = .sum) {
            self.source = source
            self.mode = mode
        }
    }

    public var steps: [Step]
    public var outputs: [Output]

    public init(steps: [Step], outputs: [Output]) {
        self.steps = steps
        self.outputs = outputs
    }

    /// The method name of the call that runs a plan on an object.
    public static let method = "evaluatePlan"

    /// The samples a plan runs on: sent with it, or picked from a list the worker was sent once
    /// (`storeMethod`), so a training's data crosses once, not with every mini-batch.
    public enum Samples: Sendable {
        case values([[WireValue]])
        case stored(store: Int, indices: [Int])
    }

    /// The worker's method (on the worker itself) that keeps a list of samples and returns its number.
    public static let storeMethod = "storeSamples"

    /// The call's arguments: the plan, the shared values, the samples.
    public func arguments(shared: [WireValue], samples: Samples) -> [WireValue] {
        let steps = WireValue.list(steps.map { step in
            .list([.string(step.method), .list(step.arguments.map { .string($0.description) }), step.shape.map { .list($0.map(WireValue.int)) } ?? .none])
        })
        let outputs = WireValue.list(outputs.map { .list([.string($0.source.description), .int($0.mode.rawValue)]) })
        switch samples {
        case .values(let values): return [.list([steps, outputs]), .list(shared), .list(values.map(WireValue.list))]
        case .stored(let store, let indices): return [.list([steps, outputs]), .list(shared), .int(store), .list(indices.map(WireValue.int))]
        }
    }

    /// Reads a plan from a call's first argument; a malformed plan is the caller's fault (a bad call).
    public init(_ value: WireValue) throws {
        func bad(_ what: String) -> ThrownError { ThrownError(kind: .badCall, message: "a malformed call plan: \(what)") }
        guard case .list(let parts) = value, parts.count == 2, case .list(let steps) = parts[0], case .list(let outputs) = parts[1] else {
            throw bad("not [steps, outputs]")
        }
        func source(_ value: WireValue, before step: Int) throws -> Source {
            guard case .string(let text) = value, let source = Source(text) else { throw bad("a source is not s<i>, p<i> or r<step>[.<i>]") }
            if case .result(let earlier, _) = source, earlier >= step { throw bad("step \(step) uses the result of step \(earlier)") }
            return source
        }
        self.steps = try steps.enumerated().map { index, value in
            guard case .list(let items) = value, items.count == 3, case .string(let method) = items[0], case .list(let arguments) = items[1] else {
                throw bad("step \(index) is not [method, arguments, shape]")
            }
            var shape: [Int]?
            if case .list(let axes) = items[2] {
                shape = try axes.map { axis in
                    guard case .int(let n) = axis, n >= 0 else { throw bad("step \(index)'s shape") }
                    return n
                }
            }
            if method == "reshape", arguments.count != 1 || shape == nil { throw bad("a reshape takes one source and a shape") }
            return Step(method, try arguments.map { try source($0, before: index) }, shape: shape)
        }
        self.outputs = try outputs.map { value in
            guard case .list(let items) = value, items.count == 2, case .int(let raw) = items[1], let mode = Output.Mode(rawValue: raw) else {
                throw bad("an output is not [source, mode]")
            }
            return Output(try source(items[0], before: steps.count), mode)
        }
    }
}
