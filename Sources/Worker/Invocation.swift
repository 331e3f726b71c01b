import ExerciseKit
import RemoteObjects

/// Executes one call from the judge on a student object and returns what the student's code
/// returned (or threw). No verdicts here: this process runs untrusted code, so it only executes.
struct Invocation {
    let registry: SubmissionRegistry
    let table: ObjectTable

    func run(target: UInt32, method: String, _ arguments: [WireValue]) throws -> WireValue {
        if method == CallPlan.method { return try evaluatePlan(target: target, arguments) }
        if target == 0 { return try worker(method, Arguments(values: arguments, table: table, method: method)) }
        let object = try table.target(target)
        return try dispatch(object, ObjectTable.kind(of: object), method, arguments)
    }

    /// One call on a student object whose kind is known (a plan resolves it once, not per call).
    func dispatch(_ object: AnyObject, _ kind: ObjectKind?, _ method: String, _ arguments: [WireValue]) throws -> WireValue {
        let a = Arguments(values: arguments, table: table, method: method)
        switch kind {
        case .initializer?:
            let initializer = object as! any Initializer
            guard method == "initialize" else { break }
            return .tensor(try initializer.initialize(weightsShape: try a.ints(0), fanIn: try a.int(1), fanOut: try a.int(2)))
        case .optimizer?:
            let optimizer = object as! any Optimizer
            switch method {
            case "calculateUpdate": return .tensor(try optimizer.calculateUpdate(weightTensor: try a.tensor(0), gradientTensor: try a.tensor(1)))
            case "copy": return table.wireValue(for: optimizer.copy())
            default: break
            }
        case .layer?, .pooling?, .fullyConnected?, .conv?:
            if let value = try layer(object as! any Layer, method, a) { return value }
        case .loss?:
            let loss = object as! any LossLayer
            switch method {
            case "forward": return .double(try loss.forward(predictionTensor: try a.tensor(0), labelTensor: try a.tensor(1)))
            case "backward": return .tensor(try loss.backward(labelTensor: try a.tensor(0)))
            default: break
            }
        case .network?:
            if let value = try network(object as! any NeuralNetworkModel, method, a) { return value }
        case .functional?:
            if let value = try functional((object as! FunctionalBox).functions, method, a) { return value }
        case .callable?:
            return table.wireValue(try (object as! CallableBox).value.call(method, try arguments.map(table.exerciseValue)))
        case .dataLayer?, nil:
            break
        }
        throw ThrownError(kind: .badCall, message: "\(type(of: object)) has no method \(method)")
    }

    /// Calls on the worker itself: make objects, seed, reset.
    func worker(_ method: String, _ a: Arguments) throws -> WireValue {
        switch method {
        case "make": return try make(try a.string(0), a)
        case "seed":
            RandomSource.shared.seed(UInt32(truncatingIfNeeded: try a.int(0)))
            return WireValue.none
        case CallPlan.storeMethod:
            guard case .list(let samples) = try a.value(0) else { throw a.bad(0, "a list of samples") }
            return .int(table.store(samples))
        case "reset":
            table.reset()
            return WireValue.none
        default:
            throw ThrownError(kind: .badCall, message: "the worker has no method \(method)")
        }
    }

    func make(_ contract: String, _ a: Arguments) throws -> WireValue {
        func need<T>(_ factory: T?) throws -> T {
            guard let factory else { throw ThrownError(kind: .badCall, message: "\(contract) is not registered") }
            return factory
        }
        let r = registry
        let object: AnyObject
        switch contract {
        case "Constant": object = try need(r.constant)(try a.double(1))
        case "UniformRandom": object = try need(r.uniformRandom)()
        case "Xavier": object = try need(r.xavier)()
        case "He": object = try need(r.he)()
        case "Sgd": object = try need(r.sgd)(try a.double(1))
        case "SgdWithMomentum": object = try need(r.sgdWithMomentum)(try a.double(1), try a.double(2))
        case "Adam": object = try need(r.adam)(try a.double(1), try a.double(2), try a.double(3))
        case "Flatten": object = try need(r.flatten)()
        case "FullyConnected": object = try need(r.fullyConnected)(try a.int(1), try a.int(2))
        case "ReLU": object = try need(r.reLU)()
        case "SoftMax": object = try need(r.softMax)()
        case "Conv": object = try need(r.conv)(try a.ints(1), try a.ints(2), try a.int(3))
        case "Pooling": object = try need(r.pooling)(try a.ints(1), try a.ints(2))
        case "CrossEntropyLoss": object = try need(r.crossEntropyLoss)()
        case "NeuralNetwork":
            object = try need(r.neuralNetwork)(try a.object(1, as: (any Optimizer).self),
                                               try a.object(2, as: (any Initializer).self), try a.object(3, as: (any Initializer).self))
        case "Functional": object = FunctionalBox(try need(r.functional))
        default:
            guard let functions = r.callables[contract] else { throw ThrownError(kind: .badCall, message: "unknown contract \(contract)") }
            object = CallableBox(functions)
        }
        return table.wireValue(for: object)
    }

    func layer(_ layer: any Layer, _ method: String, _ a: Arguments) throws -> WireValue? {
        switch method {
        case "trainable": return .bool(layer.trainable)
        case "forward": return .tensor(try layer.forward(try a.tensor(0)))
        case "backward": return .tensor(try layer.backward(try a.tensor(0)))
        default: break
        }
        guard let trainable = layer as? any TrainableLayer else { return nil }
        switch method {
        case "weights": return .tensor(trainable.weights)
        case "setWeights": trainable.weights = try a.tensor(0); return WireValue.none
        case "gradientWeights": return .tensor(trainable.gradientWeights)
        case "optimizer": return table.wireValue(for: trainable.optimizer)
        case "setOptimizer": trainable.optimizer = try a.optionalObject(0, as: (any Optimizer).self); return WireValue.none
        case "initialize":
            try trainable.initialize(weightsInitializer: try a.object(0, as: (any Initializer).self),
                                     biasInitializer: try a.object(1, as: (any Initializer).self))
            return WireValue.none
        default: break
        }
        guard let conv = layer as? any ConvLayer else { return nil }
        switch method {
        case "bias": return .tensor(conv.bias)
        case "setBias": conv.bias = try a.tensor(0); return WireValue.none
        case "gradientBias": return .tensor(conv.gradientBias)
        default: return nil
        }
    }

    func network(_ net: any NeuralNetworkModel, _ method: String, _ a: Arguments) throws -> WireValue? {
        switch method {
        case "layers": return .list(net.layers.map { table.wireValue(for: $0) })
        case "dataLayer": return table.wireValue(for: net.dataLayer)
        case "setDataLayer": net.dataLayer = try a.optionalObject(0, as: (any DataLayer).self); return WireValue.none
        case "lossLayer": return table.wireValue(for: net.lossLayer)
        case "setLossLayer": net.lossLayer = try a.optionalObject(0, as: (any LossLayer).self); return WireValue.none
        case "loss": return .tensor(Tensor(net.loss))
        case "appendLayer": try net.appendLayer(try a.object(0, as: (any Layer).self)); return WireValue.none
        case "forward": return .double(try net.forward())
        case "backward": try net.backward(); return WireValue.none
        case "train": try net.train(iterations: try a.int(0)); return WireValue.none
        case "test": return .tensor(try net.test(try a.tensor(0)))
        default: return nil
        }
    }

    func functional(_ f: any FunctionalExercise, _ method: String, _ a: Arguments) throws -> WireValue? {
        try Self.functionalMethod(f, method)?(a)
    }

    /// The hw5 function `method` of `f` as a call on typed arguments (a plan looks it up once).
    static func functionalMethod(_ f: any FunctionalExercise, _ method: String) -> ((Arguments) throws -> WireValue)? {
        switch method {
        case "getMiniBatch":
            return { a in
                let batches = try f.getMiniBatch(imTrain: try a.tensor(0), labelTrain: try a.tensor(1), batchSize: try a.int(2))
                return .list([.list(batches.images.map { .tensor($0) }), .list(batches.labels.map { .tensor($0) })])
            }
        case "fc": return { a in .tensor(try f.fc(x: try a.tensor(0), w: try a.tensor(1), b: try a.tensor(2))) }
        case "fcBackward":
            return { a in
                let (dx, dw, db) = try f.fcBackward(dlDy: try a.tensor(0), x: try a.tensor(1), w: try a.tensor(2), b: try a.tensor(3))
                return .list([.tensor(dx), .tensor(dw), .tensor(db)])
            }
        case "lossCrossEntropySoftmax":
            return { a in
                let (loss, dx) = try f.lossCrossEntropySoftmax(x: try a.tensor(0), y: try a.tensor(1))
                return .list([.double(loss), .tensor(dx)])
            }
        case "relu": return { a in .tensor(try f.relu(try a.tensor(0))) }
        case "reluBackward": return { a in .tensor(try f.reluBackward(dlDy: try a.tensor(0), x: try a.tensor(1))) }
        case "conv": return { a in .tensor(try f.conv(x: try a.tensor(0), wConv: try a.tensor(1), bConv: try a.tensor(2))) }
        case "convBackward":
            return { a in
                let (dw, db) = try f.convBackward(dlDy: try a.tensor(0), x: try a.tensor(1), wConv: try a.tensor(2), bConv: try a.tensor(3))
                return .list([.tensor(dw), .tensor(db)])
            }
        case "pool2x2": return { a in .tensor(try f.pool2x2(try a.tensor(0))) }
        case "pool2x2Backward": return { a in .tensor(try f.pool2x2Backward(dlDy: try a.tensor(0), x: try a.tensor(1))) }
        default: return nil
        }
    }
}

/// Typed access to a call's arguments; a wrong type is a bad call, never a trap.
struct Arguments {
    let values: [WireValue]
    let table: ObjectTable
    let method: String

    func value(_ index: Int) throws -> WireValue {
        guard index < values.count else { throw ThrownError(kind: .badCall, message: "\(method) needs argument \(index + 1)") }
        return values[index]
    }

    func bad(_ index: Int, _ expected: String) -> ThrownError {
        ThrownError(kind: .badCall, message: "argument \(index + 1) of \(method) is not \(expected)")
    }

    func tensor(_ index: Int) throws -> Tensor {
        guard case .tensor(let tensor) = try value(index) else { throw bad(index, "a tensor") }
        return tensor
    }
    func int(_ index: Int) throws -> Int {
        guard case .int(let number) = try value(index) else { throw bad(index, "an integer") }
        return number
    }
    func double(_ index: Int) throws -> Double {
        guard case .double(let number) = try value(index) else { throw bad(index, "a number") }
        return number
    }
    func string(_ index: Int) throws -> String {
        guard case .string(let text) = try value(index) else { throw bad(index, "a string") }
        return text
    }
    func ints(_ index: Int) throws -> [Int] {
        guard case .list(let items) = try value(index) else { throw bad(index, "a list of integers") }
        return try items.map { item in
            guard case .int(let number) = item else { throw bad(index, "a list of integers") }
            return number
        }
    }
    func object<T>(_ index: Int, as type: T.Type) throws -> T {
        guard let object = try optionalObject(index, as: type) else { throw bad(index, "an object") }
        return object
    }
    func optionalObject<T>(_ index: Int, as type: T.Type) throws -> T? {
        guard let object = try table.object(try value(index)) else { return nil }
        guard let typed = object as? T else { throw bad(index, "a \(T.self)") }
        return typed
    }
}
