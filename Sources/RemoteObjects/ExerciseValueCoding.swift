import ExerciseKit

/// How a function-set contract's values travel (``ExerciseKit/ExerciseValue``): data as itself,
/// objects through the handles of the side that converts (the worker boxes the submission's
/// objects, the judge holds proxies for them).
extension WireValue {
    public init(_ value: ExerciseValue, object: (any Callable) throws -> WireValue) rethrows {
        switch value {
        case .none: self = .none
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .tensor(let tensor): self = .tensor(tensor)
        case .list(let items): self = .list(try items.map { try WireValue($0, object: object) })
        case .object(let callable): self = try object(callable)
        }
    }

    /// The value as a contract's `call` reads it; `object` resolves handles.
    public func exerciseValue(object: (WireValue) throws -> ExerciseValue) rethrows -> ExerciseValue {
        switch self {
        case .none: return .none
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .tensor(let tensor): return .tensor(tensor)
        case .list(let items): return .list(try items.map { try $0.exerciseValue(object: object) })
        case .object, .exported: return try object(self)
        }
    }
}
