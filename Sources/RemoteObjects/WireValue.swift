import ExerciseKit

/// What travels between the judge (trusted, runs the checks) and the worker (runs student code):
/// the arguments and results of one call. Binary, little-endian, length-checked; see `WireCoding`.
public enum WireValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case tensor(Tensor)
    /// An object that lives in the worker (a student's layer, optimizer, network), by handle.
    case object(ObjectReference)
    /// An object that lives in the judge (the harness's own data layer or initializer) handed to
    /// student code; the worker calls it back.
    case exported(ObjectReference)
    case list([WireValue])
}

/// A handle to an object on the other side and which contract it serves.
public struct ObjectReference: Equatable, Hashable, Sendable {
    public var id: UInt32
    public var kind: ObjectKind

    public init(id: UInt32, kind: ObjectKind) {
        self.id = id
        self.kind = kind
    }
}

/// The contract an object serves; decides which proxy (judge) or stub (worker) stands for it.
public enum ObjectKind: UInt8, Sendable, CaseIterable {
    case initializer = 1, optimizer, layer, pooling, fullyConnected, conv, loss, network, functional, dataLayer
    /// A function-set contract or an object it returned (``ExerciseKit/Callable``): called by method name.
    case callable
}

/// An error thrown by the code on the other side, as it travels.
public struct ThrownError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable {
        /// `ExerciseError.notImplemented`
        case notImplemented = 0
        /// `ExerciseError.invalidShape`
        case invalidShape = 1
        /// Any other error the student's code threw.
        case other = 2
        /// The call itself was wrong (unknown handle or method, an argument of the wrong type).
        case badCall = 3
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The error as the worker sends it.
    public init(_ error: any Error) {
        switch error {
        case let exercise as ExerciseError:
            switch exercise {
            case .notImplemented(let what): self.init(kind: .notImplemented, message: what)
            case .invalidShape(let what): self.init(kind: .invalidShape, message: what)
            }
        case let thrown as ThrownError: self = thrown
        case let call as CallError: self.init(kind: .badCall, message: call.description)
        default: self.init(kind: .other, message: String(describing: error))
        }
    }

    /// The error as the judge rethrows it to the check: exercise errors as themselves.
    public var rethrown: any Error {
        switch kind {
        case .notImplemented: return ExerciseError.notImplemented(message)
        case .invalidShape: return ExerciseError.invalidShape(message)
        case .other, .badCall: return self
        }
    }

    public var description: String { kind == .badCall ? "bad call: \(message)" : message }
}

/// One framed message. Calls go both ways: the judge calls student objects in the worker, and the
/// worker calls the judge's own objects back while student code runs (a data layer's `next()`).
public enum WireMessage: Equatable, Sendable {
    /// `target` is a handle (0: the registry and the worker itself) or, from the worker, an
    /// exported object of the judge.
    case call(id: UInt64, target: UInt32, method: String, arguments: [WireValue])
    case reply(id: UInt64, result: Result<WireValue, ThrownError>)
    /// The worker loaded the submission; these contracts are registered.
    case ready(contracts: [String])
    /// The worker could not load the submission.
    case loadFailed(reason: String, expectedABI: Int32, foundABI: Int32)
}

/// Limits every decoder applies; whatever exceeds them is a protocol violation.
public enum WireLimits {
    /// A frame from the worker: a check's outputs are small (the largest, a 150×100×10×10 weight
    /// tensor, is 12 MB).
    public static let maxReplyBytes = 32 << 20
    /// A frame from the judge (trusted: training data can be large).
    public static let maxRequestBytes = 256 << 20
    public static let maxRank = 8
    public static let maxStringBytes = 64 << 10
    public static let maxListCount = 1 << 20
    /// Deep enough for a batched call's answer (outputs → per sample → a result pair → named tensors).
    public static let maxDepth = 6
}
