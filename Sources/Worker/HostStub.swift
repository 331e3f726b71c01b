import ExerciseKit
import RemoteObjects

/// A worker-side stand-in for an object of the judge (the harness's data layer, initializers,
/// optimizers, losses) handed to student code: every method is a call back to the judge.
/// Callback ids have the top bit set, so they never collide with the judge's request ids.
class HostStub {
    let reference: ObjectReference
    let channel: BlockingFrameChannel
    nonisolated(unsafe) private static var nextID: UInt64 = 1 << 63

    init(_ reference: ObjectReference, channel: BlockingFrameChannel) {
        self.reference = reference
        self.channel = channel
    }

    static func make(_ reference: ObjectReference, channel: BlockingFrameChannel) -> HostStub {
        switch reference.kind {
        case .initializer: return HostInitializer(reference, channel: channel)
        case .optimizer: return HostOptimizer(reference, channel: channel)
        case .dataLayer: return HostDataLayer(reference, channel: channel)
        case .loss: return HostLoss(reference, channel: channel)
        default: return HostLayer(reference, channel: channel)
        }
    }

    /// Calls the judge's object and waits for its answer.
    func call(_ method: String, _ arguments: [WireValue] = []) throws -> WireValue {
        Self.nextID += 1
        let id = Self.nextID
        guard channel.send(.call(id: id, target: reference.id, method: method, arguments: arguments)) else {
            throw ThrownError(kind: .badCall, message: "the judge has gone")
        }
        guard case .reply(id, let result)? = try channel.receive(maxBytes: WireLimits.maxRequestBytes) else {
            throw ThrownError(kind: .badCall, message: "no answer from the judge to \(method)")
        }
        return try result.get()
    }

    func tensor(_ value: WireValue) throws -> Tensor {
        guard case .tensor(let tensor) = value else { throw ThrownError(kind: .badCall, message: "the judge's \(reference.kind) returned \(value)") }
        return tensor
    }
}

final class HostInitializer: HostStub, Initializer {
    func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        try tensor(try call("initialize", [.list(weightsShape.map { .int($0) }), .int(fanIn), .int(fanOut)]))
    }
}

final class HostOptimizer: HostStub, Optimizer {
    func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        try tensor(try call("calculateUpdate", [.tensor(weightTensor), .tensor(gradientTensor)]))
    }

    func copy() -> any Optimizer {
        if case .exported(let copied)? = try? call("copy") { return HostOptimizer(copied, channel: channel) }
        return self
    }
}

final class HostDataLayer: HostStub, DataLayer {
    func next() throws -> (input: Tensor, label: Tensor) {
        guard case .list(let pair) = try call("next"), pair.count == 2 else {
            throw ThrownError(kind: .badCall, message: "the judge's data layer returned no batch")
        }
        return (try tensor(pair[0]), try tensor(pair[1]))
    }
}

final class HostLoss: HostStub, LossLayer {
    func forward(predictionTensor: Tensor, labelTensor: Tensor) throws -> Double {
        guard case .double(let loss) = try call("forward", [.tensor(predictionTensor), .tensor(labelTensor)]) else {
            throw ThrownError(kind: .badCall, message: "the judge's loss returned no number")
        }
        return loss
    }

    func backward(labelTensor: Tensor) throws -> Tensor { try tensor(try call("backward", [.tensor(labelTensor)])) }
}

final class HostLayer: HostStub, Layer {
    var trainable: Bool {
        if case .bool(let flag)? = try? call("trainable") { return flag }
        return false
    }
    func forward(_ inputTensor: Tensor) throws -> Tensor { try tensor(try call("forward", [.tensor(inputTensor)])) }
    func backward(_ errorTensor: Tensor) throws -> Tensor { try tensor(try call("backward", [.tensor(errorTensor)])) }
}
