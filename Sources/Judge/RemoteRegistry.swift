import ExerciseKit
import RemoteObjects

/// A `SubmissionRegistry` whose factories make the student's objects in the worker and return
/// proxies for them: the checks take it exactly as they would take the submission's own registry.
/// Only the contracts the worker reported as registered get a factory (the others stay nil, and
/// their checks fail with "not registered", as before).
enum RemoteRegistry {
    static func make(_ connection: WorkerConnection) -> SubmissionRegistry {
        let registry = SubmissionRegistry()
        let registered = Set(connection.contracts)
        func has(_ contract: String) -> Bool { registered.contains(contract) }

        /// Makes a `contract` in the worker; a failure leaves a proxy whose calls fail with the reason.
        func create<T>(_ contract: String, _ arguments: [WireValue], as type: T.Type) -> T {
            do {
                if let made = try connection.object(try connection.call(0, "make", [.string(contract)] + arguments)) as? T { return made }
                connection.noteQuietFailure(ThrownError(kind: .badCall, message: "the worker made no \(contract)"), in: contract)
            } catch {
                connection.noteQuietFailure(error, in: "\(contract)(…)")
            }
            let kind: ObjectKind = switch contract {
            case "Constant", "UniformRandom", "Xavier", "He": .initializer
            case "Sgd", "SgdWithMomentum", "Adam": .optimizer
            case "Pooling": .pooling
            case "FullyConnected": .fullyConnected
            case "Conv": .conv
            case "CrossEntropyLoss": .loss
            case "NeuralNetwork": .network
            case "Functional": .functional
            case _ where !SubmissionRegistry.builtInContracts.contains(contract): .callable
            default: .layer
            }
            // No object has this handle: every call on this proxy fails with "no object with handle".
            return kind.proxyType.init(ObjectReference(id: UInt32.max, kind: kind), connection: connection) as! T
        }
        func ints(_ values: [Int]) -> WireValue { .list(values.map { .int($0) }) }

        if has("Constant") { registry.constant = { create("Constant", [.double($0)], as: (any Initializer).self) } }
        if has("UniformRandom") { registry.uniformRandom = { create("UniformRandom", [], as: (any Initializer).self) } }
        if has("Xavier") { registry.xavier = { create("Xavier", [], as: (any Initializer).self) } }
        if has("He") { registry.he = { create("He", [], as: (any Initializer).self) } }
        if has("Sgd") { registry.sgd = { create("Sgd", [.double($0)], as: (any Optimizer).self) } }
        if has("SgdWithMomentum") {
            registry.sgdWithMomentum = { create("SgdWithMomentum", [.double($0), .double($1)], as: (any Optimizer).self) }
        }
        if has("Adam") { registry.adam = { create("Adam", [.double($0), .double($1), .double($2)], as: (any Optimizer).self) } }
        if has("Flatten") { registry.flatten = { create("Flatten", [], as: (any Layer).self) } }
        if has("FullyConnected") {
            registry.fullyConnected = { create("FullyConnected", [.int($0), .int($1)], as: (any FullyConnectedLayer).self) }
        }
        if has("ReLU") { registry.reLU = { create("ReLU", [], as: (any Layer).self) } }
        if has("SoftMax") { registry.softMax = { create("SoftMax", [], as: (any Layer).self) } }
        if has("Conv") { registry.conv = { create("Conv", [ints($0), ints($1), .int($2)], as: (any ConvLayer).self) } }
        if has("Pooling") { registry.pooling = { create("Pooling", [ints($0), ints($1)], as: (any PoolingLayer).self) } }
        if has("CrossEntropyLoss") { registry.crossEntropyLoss = { create("CrossEntropyLoss", [], as: (any LossLayer).self) } }
        if has("NeuralNetwork") {
            registry.neuralNetwork = { optimizer, weights, bias in
                create("NeuralNetwork", [connection.wireValue(for: optimizer, as: .optimizer),
                                         connection.wireValue(for: weights, as: .initializer),
                                         connection.wireValue(for: bias, as: .initializer)], as: (any NeuralNetworkModel).self)
            }
        }
        if has("Functional") { registry.functional = create("Functional", [], as: (any FunctionalExercise).self) }
        // Every other contract is a function set: one proxy each, whatever the exercise.
        for contract in connection.contracts where !SubmissionRegistry.builtInContracts.contains(contract) {
            registry.register(create(contract, [], as: RemoteCallable.self), as: contract)
        }
        return registry
    }
}
