import Checks
import ExerciseKit
import RemoteObjects

/// The judge's stand-ins for a student's objects: each conforms to the ExerciseKit protocol its
/// object serves, so the checks read exactly as they would against local objects, and every
/// method or property is one call to the worker. What comes back is checked before any harness
/// code uses it: a shape the contract fixes is an expected/got failure, not a trap.
class RemoteObject: PlanEvaluating {
    let connection: WorkerConnection
    let reference: ObjectReference

    required init(_ reference: ObjectReference, connection: WorkerConnection) {
        self.reference = reference
        self.connection = connection
    }

    func call(_ method: String, _ arguments: [WireValue] = []) throws -> WireValue {
        try connection.call(reference.id, method, arguments)
    }

    func tensor(_ method: String, _ arguments: [WireValue] = []) throws -> Tensor {
        try connection.expectTensor(try call(method, arguments), from: method)
    }

    /// Runs `plan` on this object in one round trip; the outputs in the plan's order.
    func store(_ samples: [[WireValue]]) throws -> Int {
        guard case .int(let store) = try connection.call(0, CallPlan.storeMethod, [.list(samples.map(WireValue.list))]) else {
            throw CheckFailure(expected: "the number of a stored sample list", got: "something else", hint: "a worker that answers out of protocol")
        }
        return store
    }

    func evaluate(_ plan: CallPlan, shared: [WireValue], samples: CallPlan.Samples, whileWaiting: () -> Void) throws -> [WireValue] {
        let reply = try connection.call(reference.id, CallPlan.method, plan.arguments(shared: shared, samples: samples), whileWaiting: whileWaiting)
        guard case .list(let outputs) = reply, outputs.count == plan.outputs.count else {
            throw CheckFailure(expected: "\(plan.outputs.count) results of a call plan", got: WorkerConnection.describe(reply),
                               hint: "a worker that answers out of protocol")
        }
        return outputs
    }

    /// For properties, which cannot throw: a failed call leaves an empty tensor, and the check is
    /// reported as errored with the reason the connection recorded (or failed on the empty value).
    func quietTensor(_ method: String) -> Tensor {
        do { return try tensor(method) } catch {
            connection.noteQuietFailure(error, in: method)
            return Tensor(zeros: [0])
        }
    }

    func expectShape(_ tensor: Tensor, _ shape: [Int], _ what: String, hint: String) throws {
        guard tensor.shape != shape else { return }
        throw CheckFailure(expected: "\(what) of shape \(shape)", got: "shape \(tensor.shape)", hint: hint)
    }
}

final class RemoteInitializer: RemoteObject, Initializer {
    func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        let weights = try tensor("initialize", [.list(weightsShape.map { .int($0) }), .int(fanIn), .int(fanOut)])
        try expectShape(weights, weightsShape, "initialize(weightsShape: \(weightsShape), …)",
                        hint: "return a tensor of exactly weightsShape")
        return weights
    }
}

final class RemoteOptimizer: RemoteObject, Optimizer {
    func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let updated = try tensor("calculateUpdate", [.tensor(weightTensor), .tensor(gradientTensor)])
        guard updated.count == weightTensor.count else {
            throw CheckFailure(expected: "calculateUpdate returning the weights' shape \(weightTensor.shape)", got: "shape \(updated.shape)",
                               hint: "the update is element-wise: w − η·g has the shape of w")
        }
        return updated
    }

    func copy() -> any Optimizer {
        do {
            if let copied = try connection.object(try call("copy")) as? any Optimizer { return copied }
        } catch { connection.noteQuietFailure(error, in: "copy") }
        return DeadOptimizer()
    }
}

/// What `copy()` returns when the student's copy could not be made (copy cannot throw).
final class DeadOptimizer: Optimizer {
    func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        throw CheckFailure(expected: "an optimizer from copy()", got: "copy() failed", hint: "copy() returns a new optimizer of the same kind")
    }
    func copy() -> any Optimizer { self }
}

class RemoteLayer: RemoteObject, Layer {
    /// The shape of the last forward's input: backward must return the error in that shape.
    private var lastInputShape: [Int]?

    var trainable: Bool {
        do {
            if case .bool(let flag) = try call("trainable") { return flag }
        } catch { connection.noteQuietFailure(error, in: "trainable") }
        return false
    }

    func forward(_ inputTensor: Tensor) throws -> Tensor {
        let output = try tensor("forward", [.tensor(inputTensor)])
        lastInputShape = inputTensor.shape
        return output
    }

    func backward(_ errorTensor: Tensor) throws -> Tensor {
        let error = try tensor("backward", [.tensor(errorTensor)])
        if let shape = lastInputShape {
            try expectShape(error, shape, "backward's error (the last forward's input shape)",
                            hint: "backward returns dL/dinput, with the shape of the input of the last forward")
        }
        return error
    }
}

final class RemotePooling: RemoteLayer, PoolingLayer {}

class RemoteTrainableLayer: RemoteLayer, TrainableLayer {
    var weights: Tensor {
        get { quietTensor("weights") }
        set { connection.quietly("setWeights") { _ = try call("setWeights", [.tensor(newValue)]) } }
    }

    var gradientWeights: Tensor { quietTensor("gradientWeights") }

    var optimizer: (any Optimizer)? {
        get {
            do { return try connection.object(try call("optimizer")) as? any Optimizer } catch {
                connection.noteQuietFailure(error, in: "optimizer")
                return nil
            }
        }
        set {
            let value = newValue.map { connection.wireValue(for: $0 as AnyObject, as: .optimizer) } ?? .none
            connection.quietly("setOptimizer") { _ = try call("setOptimizer", [value]) }
        }
    }

    func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        _ = try call("initialize", [connection.wireValue(for: weightsInitializer, as: .initializer),
                                    connection.wireValue(for: biasInitializer, as: .initializer)])
    }
}

final class RemoteFullyConnected: RemoteTrainableLayer, FullyConnectedLayer {}

final class RemoteConv: RemoteTrainableLayer, ConvLayer {
    var bias: Tensor {
        get { quietTensor("bias") }
        set { connection.quietly("setBias") { _ = try call("setBias", [.tensor(newValue)]) } }
    }

    var gradientBias: Tensor { quietTensor("gradientBias") }
}

final class RemoteLoss: RemoteObject, LossLayer {
    func forward(predictionTensor: Tensor, labelTensor: Tensor) throws -> Double {
        try connection.expectDouble(try call("forward", [.tensor(predictionTensor), .tensor(labelTensor)]), from: "forward")
    }

    func backward(labelTensor: Tensor) throws -> Tensor {
        let error = try tensor("backward", [.tensor(labelTensor)])
        try expectShape(error, labelTensor.shape, "the loss's backward", hint: "dL/dprediction has the shape of the prediction")
        return error
    }
}

final class RemoteNetwork: RemoteObject, NeuralNetworkModel {
    var layers: [any Layer] {
        do {
            guard case .list(let items) = try call("layers") else { return [] }
            return try items.compactMap { try connection.object($0) as? any Layer }
        } catch {
            connection.noteQuietFailure(error, in: "layers")
            return []
        }
    }

    var dataLayer: (any DataLayer)? {
        get { (try? connection.object(try call("dataLayer"))) as? any DataLayer }
        set {
            let value = newValue.map { connection.wireValue(for: $0, as: .dataLayer) } ?? .none
            connection.quietly("setDataLayer") { _ = try call("setDataLayer", [value]) }
        }
    }

    var lossLayer: (any LossLayer)? {
        get { (try? connection.object(try call("lossLayer"))) as? any LossLayer }
        set {
            let value = newValue.map { connection.wireValue(for: $0, as: .loss) } ?? .none
            connection.quietly("setLossLayer") { _ = try call("setLossLayer", [value]) }
        }
    }

    var loss: [Double] { quietTensor("loss").scalars }

    func appendLayer(_ layer: any Layer) throws {
        _ = try call("appendLayer", [connection.wireValue(for: layer, as: .layer)])
    }

    func forward() throws -> Double { try connection.expectDouble(try call("forward"), from: "forward") }
    func backward() throws { _ = try call("backward") }
    func train(iterations: Int) throws { _ = try call("train", [.int(iterations)]) }
    func test(_ inputTensor: Tensor) throws -> Tensor { try tensor("test", [.tensor(inputTensor)]) }
}

final class RemoteFunctional: RemoteObject, FunctionalExercise {
    func list(_ method: String, _ arguments: [WireValue], count: Int) throws -> [WireValue] {
        guard case .list(let items) = try call(method, arguments), items.count == count else {
            throw CheckFailure(expected: "\(method) returning \(count) values", got: "something else",
                               hint: "keep the contract's return type")
        }
        return items
    }

    func getMiniBatch(imTrain: Tensor, labelTrain: Tensor, batchSize: Int) throws -> (images: [Tensor], labels: [Tensor]) {
        let pair = try list("getMiniBatch", [.tensor(imTrain), .tensor(labelTrain), .int(batchSize)], count: 2)
        func tensors(_ value: WireValue) throws -> [Tensor] {
            guard case .list(let items) = value else { return [] }
            return try items.map { try connection.expectTensor($0, from: "getMiniBatch") }
        }
        return (try tensors(pair[0]), try tensors(pair[1]))
    }

    func fc(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor { try tensor("fc", [.tensor(x), .tensor(w), .tensor(b)]) }

    func fcBackward(dlDy: Tensor, x: Tensor, w: Tensor, b: Tensor) throws -> (dlDx: Tensor, dlDw: Tensor, dlDb: Tensor) {
        let items = try list("fcBackward", [.tensor(dlDy), .tensor(x), .tensor(w), .tensor(b)], count: 3)
        return (try connection.expectTensor(items[0], from: "fcBackward"), try connection.expectTensor(items[1], from: "fcBackward"),
                try connection.expectTensor(items[2], from: "fcBackward"))
    }

    func lossCrossEntropySoftmax(x: Tensor, y: Tensor) throws -> (loss: Double, dlDx: Tensor) {
        let items = try list("lossCrossEntropySoftmax", [.tensor(x), .tensor(y)], count: 2)
        return (try connection.expectDouble(items[0], from: "lossCrossEntropySoftmax"),
                try connection.expectTensor(items[1], from: "lossCrossEntropySoftmax"))
    }

    func relu(_ x: Tensor) throws -> Tensor { try tensor("relu", [.tensor(x)]) }
    func reluBackward(dlDy: Tensor, x: Tensor) throws -> Tensor { try tensor("reluBackward", [.tensor(dlDy), .tensor(x)]) }
    func conv(x: Tensor, wConv: Tensor, bConv: Tensor) throws -> Tensor { try tensor("conv", [.tensor(x), .tensor(wConv), .tensor(bConv)]) }

    func convBackward(dlDy: Tensor, x: Tensor, wConv: Tensor, bConv: Tensor) throws -> (dlDw: Tensor, dlDb: Tensor) {
        let items = try list("convBackward", [.tensor(dlDy), .tensor(x), .tensor(wConv), .tensor(bConv)], count: 2)
        return (try connection.expectTensor(items[0], from: "convBackward"), try connection.expectTensor(items[1], from: "convBackward"))
    }

    func pool2x2(_ x: Tensor) throws -> Tensor { try tensor("pool2x2", [.tensor(x)]) }
    func pool2x2Backward(dlDy: Tensor, x: Tensor) throws -> Tensor { try tensor("pool2x2Backward", [.tensor(dlDy), .tensor(x)]) }
}

extension ObjectKind {
    /// The proxy class for an object of this kind.
    var proxyType: RemoteObject.Type {
        switch self {
        case .initializer: return RemoteInitializer.self
        case .optimizer: return RemoteOptimizer.self
        case .layer, .dataLayer: return RemoteLayer.self
        case .pooling: return RemotePooling.self
        case .fullyConnected: return RemoteFullyConnected.self
        case .conv: return RemoteConv.self
        case .loss: return RemoteLoss.self
        case .network: return RemoteNetwork.self
        case .functional: return RemoteFunctional.self
        case .callable: return RemoteCallable.self
        }
    }
}

/// A function-set contract (or an object one returned) in the worker: every `call` is one call
/// there. The exercise's typed client sits on top (e.g. `ModularClient`).
final class RemoteCallable: RemoteObject, CallableContract {
    static let contractName = ""

    func call(_ method: String, _ arguments: [ExerciseValue]) throws -> ExerciseValue {
        try connection.exerciseValue(try connection.call(reference.id, method, try arguments.map(connection.wireValue)))
    }
}

extension WorkerConnection {
    /// A value as the checks read it; worker objects become proxies.
    func exerciseValue(_ value: WireValue) throws -> ExerciseValue {
        try value.exerciseValue { handle in
            guard case .object(let reference) = handle, reference.kind == .callable, let proxy = try object(handle) as? RemoteCallable else {
                throw CheckFailure(expected: "data or an object the contract returns", got: Self.describe(handle), hint: "keep the contract's return types")
            }
            return .object(proxy)
        }
    }

    /// An argument as it travels: a proxy by its handle. The judge's own objects are not passed
    /// to function-set contracts (their data is).
    func wireValue(_ value: ExerciseValue) throws -> WireValue {
        try WireValue(value) { object in
            guard let proxy = object as? RemoteCallable, proxy.connection === self else {
                throw CheckFailure(expected: "an object of this worker", got: "\(type(of: object))", hint: "a grader fault: only pass back what the submission returned")
            }
            return .object(proxy.reference)
        }
    }
}
