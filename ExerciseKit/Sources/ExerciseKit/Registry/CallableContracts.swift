/// How an exercise whose contract is a set of functions plugs into the grader without changes to
/// the grader's core: the contract is a protocol that refines ``CallableContract``, and the
/// exercise's own file gives it `call(_:_:)`, a table from method names to its functions (see
/// `Contracts/Modular/ModularExercise.swift`). The grader's worker executes `call` on the student's
/// value; the judge holds a proxy with the same `call` and a typed client on top of it.
///
/// A submission registers its value once: `registry.register(MyModular())`.

/// A value passed to or returned by a ``Callable``'s method.
public enum ExerciseValue {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case tensor(Tensor)
    case list([ExerciseValue])
    /// Something the grader holds by handle and hands back: a network, a forward's cache.
    case object(any Callable)
}

/// Anything the grader calls by method name.
public protocol Callable {
    func call(_ method: String, _ arguments: [ExerciseValue]) throws -> ExerciseValue
}

/// A registered set of functions: an exercise's contract, under its name.
public protocol CallableContract: Callable {
    static var contractName: String { get }
}

/// A call that cannot be made as asked: unknown method, missing or mistyped argument.
public struct CallError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a forward function keeps for its backward: anything the submission chooses. The grader
/// never looks inside; it hands the value back to the submission's backward as it came.
public typealias LayerCache = Any

/// A value the grader holds by handle without looking at it (a cache).
public struct OpaqueValue: Callable {
    public let value: Any
    public init(_ value: Any) { self.value = value }
    public func call(_ method: String, _ arguments: [ExerciseValue]) throws -> ExerciseValue {
        throw CallError("a cache has no method \(method)")
    }
}

// MARK: Reading arguments and results

extension ExerciseValue {
    public func tensor(_ what: @autoclosure () -> String) throws -> Tensor {
        guard case .tensor(let tensor) = self else { throw CallError("\(what()) is not a tensor") }
        return tensor
    }

    public func double(_ what: @autoclosure () -> String) throws -> Double {
        switch self {
        case .double(let number): return number
        case .int(let number): return Double(number)
        default: throw CallError("\(what()) is not a number")
        }
    }

    public func int(_ what: @autoclosure () -> String) throws -> Int {
        guard case .int(let number) = self else { throw CallError("\(what()) is not an integer") }
        return number
    }

    public func string(_ what: @autoclosure () -> String) throws -> String {
        guard case .string(let text) = self else { throw CallError("\(what()) is not a string") }
        return text
    }

    public func bool(_ what: @autoclosure () -> String) throws -> Bool {
        guard case .bool(let flag) = self else { throw CallError("\(what()) is not a flag") }
        return flag
    }

    public func list(_ what: @autoclosure () -> String, count: Int? = nil) throws -> [ExerciseValue] {
        guard case .list(let items) = self, count == nil || items.count == count else {
            throw CallError("\(what()) is not a list" + (count.map { " of \($0) values" } ?? ""))
        }
        return items
    }

    public func object(_ what: @autoclosure () -> String) throws -> any Callable {
        guard case .object(let object) = self else { throw CallError("\(what()) is not an object") }
        return object
    }

    public func ints(_ what: @autoclosure () -> String) throws -> [Int] {
        try list(what()).map { try $0.int(what()) }
    }

    /// Named tensors (a network's parameters or gradients) as `[[name, tensor], …]`.
    public func namedTensors(_ what: @autoclosure () -> String) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for pair in try list(what()) {
            let items = try pair.list(what(), count: 2)
            result[try items[0].string(what())] = try items[1].tensor(what())
        }
        return result
    }

    public static func ints(_ values: [Int]) -> ExerciseValue { .list(values.map { .int($0) }) }

    public static func namedTensors(_ tensors: [String: Tensor]) -> ExerciseValue {
        .list(tensors.sorted { $0.key < $1.key }.map { .list([.string($0.key), .tensor($0.value)]) })
    }
}

extension Array where Element == ExerciseValue {
    /// Argument `index` of `method`, or a call error naming it.
    public func argument(_ index: Int, of method: String) throws -> ExerciseValue {
        guard index < count else { throw CallError("\(method) needs argument \(index + 1)") }
        return self[index]
    }
}
