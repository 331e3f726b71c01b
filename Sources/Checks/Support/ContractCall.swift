import ExerciseKit

/// Calls `method` of a submission's registered function set and reads the result with `read`;
/// a result of the wrong form is the submission's failure, said as a check's (the clients of the
/// function-set exercises, one per exercise).
func callContract<T>(_ functions: any Callable, _ method: String, _ arguments: [ExerciseValue], _ read: (ExerciseValue) throws -> T) throws -> T {
    let result = try functions.call(method, arguments)
    do { return try read(result) } catch let error as CallError {
        throw CheckFailure(expected: "\(method) returning the contract's types", got: error.description, hint: "keep the contract's return types")
    }
}
