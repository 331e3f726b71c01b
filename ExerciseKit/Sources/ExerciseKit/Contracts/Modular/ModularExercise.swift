/// The modular-layers exercise: layers as forward/backward pairs with caches, four update rules,
/// and networks of any depth (``ModularLayers``, ``UpdateRules``, ``ModularNetworks``).
///
/// A submission implements every function in one type and registers it:
///
///     struct Modular: ModularExercise { … }
///     registry.register(Modular())
///
/// The grader calls it by name through ``call(_:_:)`` below; do not implement `call` yourself.
public protocol ModularExercise: ModularLayers, UpdateRules, ModularNetworks, CallableContract {}

extension ModularExercise {
    public static var contractName: String { "Modular" }

    /// The call table: method names to this exercise's functions (the grader's side reads the
    /// results with `ModularClient`).
    public func call(_ method: String, _ a: [ExerciseValue]) throws -> ExerciseValue {
        func tensor(_ i: Int) throws -> Tensor { try a.argument(i, of: method).tensor("argument \(i + 1) of \(method)") }
        func cache(_ i: Int) throws -> LayerCache {
            let object = try a.argument(i, of: method).object("argument \(i + 1) of \(method)")
            guard let opaque = object as? OpaqueValue else { throw CallError("argument \(i + 1) of \(method) is not a cache") }
            return opaque.value
        }
        func labels(_ i: Int) throws -> [Int] { try a.argument(i, of: method).ints("argument \(i + 1) of \(method)") }
        func forward(_ result: (out: Tensor, cache: LayerCache)) -> ExerciseValue { .list([.tensor(result.out), .object(OpaqueValue(result.cache))]) }
        func three(_ result: (Tensor, Tensor, Tensor)) -> ExerciseValue { .list([.tensor(result.0), .tensor(result.1), .tensor(result.2)]) }
        func update(_ result: (nextW: Tensor, config: UpdateConfig)) -> ExerciseValue { .list([.tensor(result.nextW), result.config.exerciseValue]) }
        func config(_ i: Int) throws -> UpdateConfig { try UpdateConfig(try a.argument(i, of: method)) }
        func network(_ made: any ModularNetwork) -> ExerciseValue { .object(NetworkCalls(network: made)) }
        func int(_ i: Int) throws -> Int { try a.argument(i, of: method).int("argument \(i + 1) of \(method)") }
        func double(_ i: Int) throws -> Double { try a.argument(i, of: method).double("argument \(i + 1) of \(method)") }
        func seed(_ i: Int) throws -> UInt32 { UInt32(truncatingIfNeeded: try int(i)) }

        switch method {
        case "affineForward": return forward(try affineForward(try tensor(0), try tensor(1), try tensor(2)))
        case "affineBackward": return three(try affineBackward(try tensor(0), try cache(1)))
        case "reluForward": return forward(try reluForward(try tensor(0)))
        case "reluBackward": return .tensor(try reluBackward(try tensor(0), try cache(1)))
        case "affineReluForward": return forward(try affineReluForward(try tensor(0), try tensor(1), try tensor(2)))
        case "affineReluBackward": return three(try affineReluBackward(try tensor(0), try cache(1)))
        case "dropoutForward": return forward(try dropoutForward(try tensor(0), try DropoutParameters(try a.argument(1, of: method))))
        case "dropoutBackward": return .tensor(try dropoutBackward(try tensor(0), try cache(1)))
        case "convForwardNaive":
            return forward(try convForwardNaive(try tensor(0), try tensor(1), try tensor(2), try ConvParameters(try a.argument(3, of: method))))
        case "convBackwardNaive": return three(try convBackwardNaive(try tensor(0), try cache(1)))
        case "maxPoolForwardNaive": return forward(try maxPoolForwardNaive(try tensor(0), try PoolParameters(try a.argument(1, of: method))))
        case "maxPoolBackwardNaive": return .tensor(try maxPoolBackwardNaive(try tensor(0), try cache(1)))
        case "softmaxLoss":
            let (loss, dx) = try softmaxLoss(try tensor(0), try labels(1))
            return .list([.double(loss), .tensor(dx)])
        case "svmLoss":
            let (loss, dx) = try svmLoss(try tensor(0), try labels(1))
            return .list([.double(loss), .tensor(dx)])
        case "sgd": return update(try sgd(try tensor(0), try tensor(1), try config(2)))
        case "sgdMomentum": return update(try sgdMomentum(try tensor(0), try tensor(1), try config(2)))
        case "rmsprop": return update(try rmsprop(try tensor(0), try tensor(1), try config(2)))
        case "adam": return update(try adam(try tensor(0), try tensor(1), try config(2)))
        case "twoLayerNet":
            return network(try twoLayerNet(inputDim: try int(0), hiddenDim: try int(1), numClasses: try int(2),
                                           weightScale: try double(3), reg: try double(4), seed: try seed(5)))
        case "fullyConnectedNet":
            return network(try fullyConnectedNet(hiddenDims: try a.argument(0, of: method).ints("hiddenDims"), inputDim: try int(1),
                                                 numClasses: try int(2), dropoutKeep: try double(3), reg: try double(4),
                                                 weightScale: try double(5), seed: try seed(6)))
        case "threeLayerConvNet":
            return network(try threeLayerConvNet(inputDim: try a.argument(0, of: method).ints("inputDim"), numFilters: try int(1),
                                                 filterSize: try int(2), hiddenDim: try int(3), numClasses: try int(4),
                                                 weightScale: try double(5), reg: try double(6), seed: try seed(7)))
        default: throw CallError("the modular exercise has no function \(method)")
        }
    }
}

/// A network's methods by name.
public struct NetworkCalls: Callable {
    public let network: any ModularNetwork
    public init(network: any ModularNetwork) { self.network = network }

    public func call(_ method: String, _ a: [ExerciseValue]) throws -> ExerciseValue {
        switch method {
        case "params": return .namedTensors(network.params)
        case "setParam":
            let name = try a.argument(0, of: method).string("the parameter's name")
            network.params[name] = try a.argument(1, of: method).tensor("the parameter")
            return .none
        case "scores": return .tensor(try network.scores(try a.argument(0, of: method).tensor("X")))
        case "lossValue":  // the loss alone: a gradient check needs thousands and no gradients
            return .double(try network.loss(try a.argument(0, of: method).tensor("X"), try a.argument(1, of: method).ints("y")).loss)
        case "loss":
            let (loss, grads) = try network.loss(try a.argument(0, of: method).tensor("X"), try a.argument(1, of: method).ints("y"))
            return .list([.double(loss), .namedTensors(grads)])
        default: throw CallError("a network has no method \(method)")
        }
    }
}

// MARK: How the parameters travel

extension DropoutParameters {
    public var exerciseValue: ExerciseValue {
        .list([.double(keepProbability), .string(mode.rawValue), seed.map { .int(Int($0)) } ?? .none])
    }

    public init(_ value: ExerciseValue) throws {
        let items = try value.list("dropout parameters", count: 3)
        guard let mode = Mode(rawValue: try items[1].string("the dropout mode")) else { throw CallError("the dropout mode is not train or test") }
        let seed: UInt32? = if case .int(let number) = items[2] { UInt32(truncatingIfNeeded: number) } else { nil }
        self.init(keepProbability: try items[0].double("the keep probability"), mode: mode, seed: seed)
    }
}

extension ConvParameters {
    public var exerciseValue: ExerciseValue { .ints([stride, pad]) }
    public init(_ value: ExerciseValue) throws {
        let numbers = try value.ints("convolution parameters")
        guard numbers.count == 2 else { throw CallError("convolution parameters are stride and pad") }
        self.init(stride: numbers[0], pad: numbers[1])
    }
}

extension PoolParameters {
    public var exerciseValue: ExerciseValue { .ints([poolHeight, poolWidth, stride]) }
    public init(_ value: ExerciseValue) throws {
        let numbers = try value.ints("pooling parameters")
        guard numbers.count == 3 else { throw CallError("pooling parameters are poolHeight, poolWidth and stride") }
        self.init(poolHeight: numbers[0], poolWidth: numbers[1], stride: numbers[2])
    }
}

extension UpdateConfig {
    public var exerciseValue: ExerciseValue {
        func optional(_ tensor: Tensor?) -> ExerciseValue { tensor.map { .tensor($0) } ?? .none }
        return .list([.double(learningRate), .double(momentum), .double(decayRate), .double(epsilon), .double(beta1), .double(beta2),
                      optional(velocity), optional(cache), optional(m), optional(v), .int(t)])
    }

    public init(_ value: ExerciseValue) throws {
        let items = try value.list("an update config", count: 11)
        func optional(_ item: ExerciseValue) throws -> Tensor? {
            if case .none = item { return nil }
            return try item.tensor("an update config's state")
        }
        self.init(learningRate: try items[0].double("learningRate"))
        (momentum, decayRate, epsilon) = (try items[1].double("momentum"), try items[2].double("decayRate"), try items[3].double("epsilon"))
        (beta1, beta2) = (try items[4].double("beta1"), try items[5].double("beta2"))
        (velocity, cache, m, v) = (try optional(items[6]), try optional(items[7]), try optional(items[8]), try optional(items[9]))
        t = try items[10].int("t")
    }
}
