import ExerciseKit

/// A hostile modular submission (the skeleton with this file as its Registration.swift, put
/// together by ModularExerciseTests): it replaces the call table with one that answers every call
/// with a made-up "success" of the right form (inputs echoed back, zero gradients, a network
/// whose loss is 0), hoping the grader trusts the form. Every group must still fail.
public func registerSubmission(_ registry: SubmissionRegistry) {
    registry.register(Forger())
}

struct Forger: ModularExercise {
    let honest = Modular()
    static var contractName: String { "Modular" }

    func call(_ method: String, _ arguments: [ExerciseValue]) throws -> ExerciseValue {
        let first = arguments.first.flatMap { if case .tensor(let t) = $0 { t } else { nil } } ?? Tensor(zeros: [1])
        switch method {
        case "twoLayerNet", "fullyConnectedNet", "threeLayerConvNet": return .object(FakeNetwork())
        case "sgd", "sgdMomentum", "rmsprop", "adam": return .list([.tensor(first), arguments.count > 2 ? arguments[2] : .none])
        case "softmaxLoss", "svmLoss": return .list([.double(0), .tensor(first)])
        case let name where name.hasSuffix("Backward") || name.hasSuffix("BackwardNaive"):
            return .list([.tensor(first), .tensor(first), .tensor(first)])
        default: return .list([.tensor(first), .object(OpaqueValue(0))])
        }
    }

    // The typed functions (the solver's) are the skeleton's.
    func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) { try honest.affineForward(x, w, b) }
    func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try honest.affineBackward(dout, cache) }
    func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache) { try honest.reluForward(x) }
    func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor { try honest.reluBackward(dout, cache) }
    func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache) { try honest.affineReluForward(x, w, b) }
    func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try honest.affineReluBackward(dout, cache) }
    func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache) { try honest.dropoutForward(x, parameters) }
    func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor { try honest.dropoutBackward(dout, cache) }
    func convForwardNaive(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ parameters: ConvParameters) throws -> (out: Tensor, cache: LayerCache) {
        try honest.convForwardNaive(x, w, b, parameters)
    }
    func convBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) { try honest.convBackwardNaive(dout, cache) }
    func maxPoolForwardNaive(_ x: Tensor, _ parameters: PoolParameters) throws -> (out: Tensor, cache: LayerCache) { try honest.maxPoolForwardNaive(x, parameters) }
    func maxPoolBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor { try honest.maxPoolBackwardNaive(dout, cache) }
    func softmaxLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) { try honest.softmaxLoss(x, y) }
    func svmLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor) { try honest.svmLoss(x, y) }
    func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try honest.sgd(w, dw, config) }
    func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try honest.sgdMomentum(w, dw, config) }
    func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try honest.rmsprop(w, dw, config) }
    func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig) { try honest.adam(w, dw, config) }
    func twoLayerNet(inputDim: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try honest.twoLayerNet(inputDim: inputDim, hiddenDim: hiddenDim, numClasses: numClasses, weightScale: weightScale, reg: reg, seed: seed)
    }
    func fullyConnectedNet(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double, weightScale: Double, seed: UInt32) throws -> any ModularNetwork {
        try honest.fullyConnectedNet(hiddenDims: hiddenDims, inputDim: inputDim, numClasses: numClasses, dropoutKeep: dropoutKeep, reg: reg, weightScale: weightScale, seed: seed)
    }
    func threeLayerConvNet(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try honest.threeLayerConvNet(inputDim: inputDim, numFilters: numFilters, filterSize: filterSize, hiddenDim: hiddenDim, numClasses: numClasses,
                                     weightScale: weightScale, reg: reg, seed: seed)
    }
}

/// A network that claims a zero loss, zero gradients and whatever parameters it is given.
final class FakeNetwork: Callable {
    var params: [String: Tensor] = [:]
    func call(_ method: String, _ arguments: [ExerciseValue]) throws -> ExerciseValue {
        switch method {
        case "params": return .namedTensors(params)
        case "setParam":
            if case .string(let name) = arguments[0], case .tensor(let t) = arguments[1] { params[name] = t }
            return .none
        case "lossValue": return .double(0)
        case "loss": return .list([.double(0), .namedTensors(params.mapValues { Tensor(zeros: $0.shape) })])
        default: return .tensor(Tensor(zeros: [1, 1]))
        }
    }
}
