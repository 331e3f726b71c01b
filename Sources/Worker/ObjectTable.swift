import ExerciseKit
import RemoteObjects

/// The worker's handles: student objects the judge refers to by number, and stubs standing for
/// the judge's own objects. Cleared before every check, so nothing outlives the check it was made in.
final class ObjectTable {
    private var objects: [UInt32: AnyObject] = [:]
    private var handles: [ObjectIdentifier: UInt32] = [:]
    private var stubs: [UInt32: AnyObject] = [:]
    private var nextHandle: UInt32 = 1
    let channel: BlockingFrameChannel

    init(channel: BlockingFrameChannel) { self.channel = channel }

    /// Sample lists the judge sent once (`CallPlan.storeMethod`), by number.
    private var stores: [[WireValue]] = []

    func store(_ samples: [WireValue]) -> Int {
        stores.append(samples)
        return stores.count - 1
    }

    func storedSample(_ store: Int, _ index: Int) -> WireValue? {
        guard stores.indices.contains(store), stores[store].indices.contains(index) else { return nil }
        return stores[store][index]
    }

    func reset() {
        stores = []
        objects = [:]
        handles = [:]
        stubs = [:]
        nextHandle = 1
    }

    /// The contract an object serves, most specific first.
    static func kind(of object: AnyObject) -> ObjectKind? {
        switch object {
        case is any ConvLayer: return .conv
        case is any FullyConnectedLayer: return .fullyConnected
        case is any PoolingLayer: return .pooling
        case is any Layer: return .layer
        case is any Optimizer: return .optimizer
        case is any Initializer: return .initializer
        case is any LossLayer: return .loss
        case is any NeuralNetworkModel: return .network
        case is FunctionalBox: return .functional
        case is CallableBox: return .callable
        case is any DataLayer: return .dataLayer
        default: return nil
        }
    }

    /// How an object travels back to the judge: a stub as the judge's own object, anything else
    /// by its handle (the same object always gets the same handle, so identity survives).
    func wireValue(for object: AnyObject?) -> WireValue {
        guard let object else { return .none }
        if let stub = object as? HostStub { return .exported(stub.reference) }
        guard let kind = Self.kind(of: object) else { return .string("an object of type \(type(of: object))") }
        if let handle = handles[ObjectIdentifier(object)] { return .object(ObjectReference(id: handle, kind: kind)) }
        let handle = nextHandle
        nextHandle += 1
        objects[handle] = object
        handles[ObjectIdentifier(object)] = handle
        return .object(ObjectReference(id: handle, kind: kind))
    }

    /// The object an argument names: a student object by handle, or a stub for a judge's object.
    func object(_ value: WireValue) throws -> AnyObject? {
        switch value {
        case .none: return nil
        case .object(let reference):
            guard let object = objects[reference.id] else { throw ThrownError(kind: .badCall, message: "no object with handle \(reference.id)") }
            return object
        case .exported(let reference):
            if let stub = stubs[reference.id] { return stub }
            let stub = HostStub.make(reference, channel: channel)
            stubs[reference.id] = stub
            return stub
        default:
            throw ThrownError(kind: .badCall, message: "expected an object, got \(value)")
        }
    }

    func target(_ handle: UInt32) throws -> AnyObject {
        guard let object = objects[handle] else { throw ThrownError(kind: .badCall, message: "no object with handle \(handle)") }
        return object
    }
}

/// `registry.functional` may be a struct: boxed so it has a handle like every other object.
final class FunctionalBox {
    let functions: any FunctionalExercise
    init(_ functions: any FunctionalExercise) { self.functions = functions }
}

/// A ``Callable`` (often a struct, or a cache of any type) boxed so it has a handle.
final class CallableBox {
    let value: any Callable
    init(_ value: any Callable) { self.value = value }
}

extension ObjectTable {
    /// A call's argument as the submission's `call` reads it; handles become the objects they name.
    func exerciseValue(_ value: WireValue) throws -> ExerciseValue {
        try value.exerciseValue { handle in
            guard let box = try object(handle) as? CallableBox else {
                throw ThrownError(kind: .badCall, message: "only objects a function-set contract returned can be passed to one")
            }
            return .object(box.value)
        }
    }

    /// What the submission's `call` returned, as it travels; objects stay here, by handle.
    func wireValue(_ value: ExerciseValue) -> WireValue {
        WireValue(value) { wireValue(for: CallableBox($0)) }
    }
}
