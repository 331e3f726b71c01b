import ExerciseKit

/// The TF2 CNN exercise as the checks call it: a typed client over the registered function set.
struct TF2CNNClient: TF2CNNExercise {
    let functions: any Callable

    static func of(_ registry: SubmissionRegistry) throws -> any TF2CNNExercise {
        guard let functions = registry.callables["TF2CNN"] else {
            throw CheckFailure(expected: "a registered TF2 CNN exercise", got: "registry.callables has no \"TF2CNN\"",
                               hint: "call registry.register(TF2CNN()) in registerSubmission (Registration.swift)")
        }
        return (functions as? any TF2CNNExercise) ?? TF2CNNClient(functions: functions)
    }

    func call<T>(_ method: String, _ arguments: [ExerciseValue], _ read: (ExerciseValue) throws -> T) throws -> T {
        try callContract(functions, method, arguments, read)
    }

    func parameterCounts(_ layers: [KerasLayer], input: [Int]) throws -> [Int] {
        try call("parameterCounts", [.list(layers.map(\.exerciseValue)), .ints(input)]) { try $0.ints("the counts") }
    }
    func outputShapes(_ layers: [KerasLayer], input: [Int]) throws -> [[Int]] {
        try call("outputShapes", [.list(layers.map(\.exerciseValue)), .ints(input)]) { try $0.list("the shapes").map { try $0.ints("a shape") } }
    }
    func questionOneOne() throws -> [KerasLayer] {
        try call("questionOneOne", []) { try $0.list("the layers").map(KerasLayer.init) }
    }
    func shallowNetwork() throws -> [KerasLayer] {
        try call("shallowNetwork", []) { try $0.list("the layers").map(KerasLayer.init) }
    }
}
