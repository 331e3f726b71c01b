import ExerciseKit

/// The modular exercise as the checks call it: a typed client over the submission's registered
/// function set. In the judge the set is a proxy to the worker; a cache or a network the
/// submission returns stays there, and the client holds its handle.
struct ModularClient: ModularExercise {
    let functions: any Callable

    /// The submission's modular exercise, or a failure saying it is not registered.
    static func of(_ registry: SubmissionRegistry) throws -> any ModularExercise {
        guard let functions = registry.callables["Modular"] else {
            throw CheckFailure(expected: "a registered modular exercise", got: "registry.callables has no \"Modular\"",
                               hint: "call registry.register(Modular()) in registerSubmission (Registration.swift)")
        }
        // A local registry (tests, the worker's solver) holds the submission's own value.
        return (functions as? any ModularExercise) ?? ModularClient(functions: functions)
    }

    /// Calls `method` and reads its result; a result of the wrong form is the submission's failure.
    func call<T>(_ method: String, _ arguments: [ExerciseValue], _ read: (ExerciseValue) throws -> T) throws -> T {
        try callContract(functions, method, arguments, read)
    }

    static func cacheValue(_ cache: LayerCache) -> ExerciseValue {
        if let object = cache as? any Callable { return .object(object) }
        return .object(OpaqueValue(cache))
    }

    func forward(_ method: String, _ arguments: [ExerciseValue]) throws -> (out: Tensor, cache: LayerCache) {
        try call(method, arguments) { value in
            let items = try value.list("the result", count: 2)
            return (try items[0].tensor("out"), try items[1].object("cache") as LayerCache)
        }
    }

    func three(_ method: String, _ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        try call(method, [.tensor(dout), Self.cacheValue(cache)]) { value in
            let items = try value.list("the result", count: 3)
            return (try items[0].tensor("dx"), try items[1].tensor("dw"), try items[2].tensor("db"))
        }
    }

    func tensor(_ method: String, _ arguments: [ExerciseValue]) throws -> Tensor {
        try call(method, arguments) { try $0.tensor("the result") }
    }

    func lossPair(_ method: String, _ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) {
        try call(method, [.tensor(x), .ints(y)]) { value in
            let items = try value.list("the result", count: 2)
            return (try items[0].double("loss"), try items[1].tensor("dx"))
        }
    }

    func update(_ method: String, _ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try call(method, [.tensor(w), .tensor(dw), config.exerciseValue]) { value in
            let items = try value.list("the result", count: 2)
            return (try items[0].tensor("nextW"), try UpdateConfig(items[1]))
        }
    }

    func network(_ method: String, _ arguments: [ExerciseValue]) throws -> any ModularNetwork {
        try call(method, arguments) { NetworkClient(object: try $0.object("the network")) }
    }

    func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        try forward("affineForward", [.tensor(x), .tensor(w), .tensor(b)])
    }
    func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try three("affineBackward", dout, cache) }
    func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache) { try forward("reluForward", [.tensor(x)]) }
    func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor { try tensor("reluBackward", [.tensor(dout), Self.cacheValue(cache)]) }
    func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) {
        try forward("affineReluForward", [.tensor(x), .tensor(w), .tensor(b)])
    }
    func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try three("affineReluBackward", dout, cache) }
    func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache) {
        try forward("dropoutForward", [.tensor(x), parameters.exerciseValue])
    }
    func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor { try tensor("dropoutBackward", [.tensor(dout), Self.cacheValue(cache)]) }
    func convForwardNaive(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ parameters: ConvParameters) throws -> (out: Tensor, cache: LayerCache) {
        try forward("convForwardNaive", [.tensor(x), .tensor(w), .tensor(b), parameters.exerciseValue])
    }
    func convBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try three("convBackwardNaive", dout, cache) }
    func maxPoolForwardNaive(_ x: Tensor, _ parameters: PoolParameters) throws -> (out: Tensor, cache: LayerCache) {
        try forward("maxPoolForwardNaive", [.tensor(x), parameters.exerciseValue])
    }
    func maxPoolBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        try tensor("maxPoolBackwardNaive", [.tensor(dout), Self.cacheValue(cache)])
    }
    func softmaxLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) { try lossPair("softmaxLoss", x, y) }
    func svmLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) { try lossPair("svmLoss", x, y) }

    func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try update("sgd", w, dw, config) }
    func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) {
        try update("sgdMomentum", w, dw, config)
    }
    func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try update("rmsprop", w, dw, config) }
    func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try update("adam", w, dw, config) }

    func twoLayerNet(inputDim: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try network("twoLayerNet", [.int(inputDim), .int(hiddenDim), .int(numClasses), .double(weightScale), .double(reg), .int(Int(seed))])
    }
    func fullyConnectedNet(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double,
                           weightScale: Double, seed: UInt32) throws -> any ModularNetwork {
        try network("fullyConnectedNet", [.ints(hiddenDims), .int(inputDim), .int(numClasses), .double(dropoutKeep), .double(reg),
                                          .double(weightScale), .int(Int(seed))])
    }
    func threeLayerConvNet(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int,
                           weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try network("threeLayerConvNet", [.ints(inputDim), .int(numFilters), .int(filterSize), .int(hiddenDim), .int(numClasses),
                                          .double(weightScale), .double(reg), .int(Int(seed))])
    }
}

/// A submission's network held by handle. `params` cannot throw: a failed read leaves no
/// parameters (the check then fails on them) and the connection records why.
final class NetworkClient: ModularNetwork {
    let object: any Callable
    init(object: any Callable) { self.object = object }

    private func read<T>(_ method: String, _ arguments: [ExerciseValue], _ body: (ExerciseValue) throws -> T) throws -> T {
        let result = try object.call(method, arguments)
        do { return try body(result) } catch let error as CallError {
            throw CheckFailure(expected: "the network's \(method) returning the contract's types", got: error.description,
                               hint: "keep the contract's return types")
        }
    }

    var params: [String: Tensor] {
        get { (try? read("params", []) { try $0.namedTensors("params") }) ?? [:] }
        set {
            for (name, tensor) in newValue { _ = try? object.call("setParam", [.string(name), .tensor(tensor)]) }
        }
    }

    /// Sets one parameter (a gradient check perturbs one at a time), throwing what the network threw.
    func setParam(_ name: String, _ tensor: Tensor) throws { _ = try object.call("setParam", [.string(name), .tensor(tensor)]) }

    func lossValue(_ x: Tensor, _ y: [Int]) throws -> Double { try read("lossValue", [.tensor(x), .ints(y)]) { try $0.double("the loss") } }

    func scores(_ x: Tensor) throws -> Tensor { try read("scores", [.tensor(x)]) { try $0.tensor("scores") } }

    func loss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, grads: [String: Tensor]) {
        try read("loss", [.tensor(x), .ints(y)]) { value in
            let items = try value.list("the result", count: 2)
            return (try items[0].double("loss"), try items[1].namedTensors("grads"))
        }
    }
}
