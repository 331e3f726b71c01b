import ExerciseKit

/// The CSC321 exercise as the checks call it: a typed client over the submission's registered
/// function set (a proxy to the worker in the judge).
struct CSC321Client: CSC321Exercise {
    let functions: any Callable

    static func of(_ registry: SubmissionRegistry) throws -> any CSC321Exercise {
        guard let functions = registry.callables["CSC321"] else {
            throw CheckFailure(expected: "a registered CSC321 exercise", got: "registry.callables has no \"CSC321\"",
                               hint: "call registry.register(CSC321()) in registerSubmission (Registration.swift)")
        }
        return (functions as? any CSC321Exercise) ?? CSC321Client(functions: functions)
    }

    /// The function set itself, for call plans (a training's minibatch in one round trip).
    static func callable(_ registry: SubmissionRegistry) throws -> any Callable {
        _ = try of(registry)
        return registry.callables["CSC321"]!
    }

    func call<T>(_ method: String, _ arguments: [ExerciseValue], _ read: (ExerciseValue) throws -> T) throws -> T {
        try callContract(functions, method, arguments, read)
    }

    func tensor(_ method: String, _ arguments: [ExerciseValue]) throws -> Tensor { try call(method, arguments) { try $0.tensor("the result") } }

    func three(_ method: String, _ arguments: [ExerciseValue]) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        try call(method, arguments) { value in
            let items = try value.list("the result", count: 3)
            return (try items[0].tensor("dx"), try items[1].tensor("dw"), try items[2].tensor("db"))
        }
    }

    func fcForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor { try tensor("fcForward", [.tensor(x), .tensor(w), .tensor(b)]) }
    func fcBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        try three("fcBackward", [.tensor(dy), .tensor(x), .tensor(w)])
    }
    func reluForward(_ x: Tensor) throws -> Tensor { try tensor("reluForward", [.tensor(x)]) }
    func reluBackward(_ dy: Tensor, _ x: Tensor) throws -> Tensor { try tensor("reluBackward", [.tensor(dy), .tensor(x)]) }
    func softmaxCrossEntropy(_ scores: Tensor, _ labels: [Int]) throws -> (loss: Double, dScores: Tensor) {
        try call("softmaxCrossEntropy", [.tensor(scores), .ints(labels)]) { value in
            let items = try value.list("the result", count: 2)
            return (try items[0].double("loss"), try items[1].tensor("dScores"))
        }
    }
    func convForward(_ x: Tensor, _ w: Tensor, _ b: Tensor, pad: Int, method: ConvMethod) throws -> Tensor {
        try tensor("convForward", [.tensor(x), .tensor(w), .tensor(b), .int(pad), .int(method.rawValue)])
    }
    func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, pad: Int, method: ConvMethod) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        try three("convBackward", [.tensor(dy), .tensor(x), .tensor(w), .int(pad), .int(method.rawValue)])
    }
    func maxPoolForward(_ x: Tensor, size: Int) throws -> Tensor { try tensor("maxPoolForward", [.tensor(x), .int(size)]) }
    func maxPoolBackward(_ dy: Tensor, _ x: Tensor, size: Int) throws -> Tensor {
        try tensor("maxPoolBackward", [.tensor(dy), .tensor(x), .int(size)])
    }
    func layerCounts(_ layers: [CSC321Layer], input: [Int]) throws -> [LayerCount] {
        try call("layerCounts", [.list(layers.map(\.exerciseValue)), .ints(input)]) { value in
            try value.list("the counts").map { item in
                let pair = try item.ints("a layer's counts")
                guard pair.count == 2 else { throw CallError("a layer's counts are (parameters, connections)") }
                return LayerCount(parameters: pair[0], connections: pair[1])
            }
        }
    }
}
