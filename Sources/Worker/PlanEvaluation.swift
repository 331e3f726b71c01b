import CKernels
import ExerciseKit
import RemoteObjects

/// Runs a judge's `CallPlan` on one object: the plan's calls once per sample, each through the
/// same dispatch as a single call, and the outputs the plan names summed or listed. No loop state,
/// no parameters and no decision of its own: the judge sends all of them and checks what returns.
extension Invocation {
    func evaluatePlan(target: UInt32, _ arguments: [WireValue]) throws -> WireValue {
        func bad(_ what: String) -> ThrownError { ThrownError(kind: .badCall, message: "\(CallPlan.method): \(what)") }
        guard target != 0 else { throw bad("a plan runs on an object, not on the worker") }
        guard arguments.count >= 3, case .list(let shared) = arguments[1] else { throw bad("needs [plan, shared values, samples]") }
        let samples: [WireValue]
        switch (arguments.count, arguments[2]) {
        case (3, .list(let given)):
            samples = given
        case (4, .int(let store)):
            guard case .list(let picks) = arguments[3] else { throw bad("stored samples need a list of indices") }
            samples = try picks.map { pick in
                guard case .int(let index) = pick, let sample = table.storedSample(store, index) else { throw bad("no stored sample \(pick) in store \(store)") }
                return sample
            }
        default:
            throw bad("needs [plan, shared values, samples] or [plan, shared values, store, indices]")
        }
        let plan = try CallPlan(arguments[0])
        guard !plan.steps.contains(where: { $0.method == CallPlan.method }) else { throw bad("a plan cannot run a plan") }
        let object = try table.target(target)
        let kind = ObjectTable.kind(of: object)
        var sums = [Accumulator](repeating: Accumulator(), count: plan.outputs.count)
        var each = [[WireValue]](repeating: [], count: plan.outputs.count)
        // Each step's call resolved once (hw5's functions directly; any other object by dispatch).
        let calls: [([WireValue]) throws -> WireValue] = plan.steps.map { step in
            if let functional = object as? FunctionalBox, let method = Self.functionalMethod(functional.functions, step.method) {
                return { [table] inputs in try method(Arguments(values: inputs, table: table, method: step.method)) }
            }
            return { inputs in try dispatch(object, kind, step.method, inputs) }
        }
        // Buffers reused across samples: a plan's calls are the training's hot loop.
        var results: [WireValue] = []
        results.reserveCapacity(plan.steps.count)
        var inputs = plan.steps.map { [WireValue](repeating: .none, count: $0.arguments.count) }
        for (number, sampleValue) in samples.enumerated() {
            guard case .list(let sample) = sampleValue else { throw bad("sample \(number + 1) is not a list of values") }
            results.removeAll(keepingCapacity: true)
            func value(_ source: CallPlan.Source) throws -> WireValue {
                switch source {
                case .shared(let i):
                    guard i < shared.count else { throw bad("no shared value \(i)") }
                    return shared[i]
                case .sample(let i):
                    guard i < sample.count else { throw bad("sample \(number + 1) has no value \(i)") }
                    return sample[i]
                case .result(let step, nil):
                    return results[step]
                case .result(let step, let component?):
                    // A student's result of the wrong form: its author's failure, said plainly.
                    guard case .list(let items) = results[step], component < items.count else {
                        throw ThrownError(kind: .other, message: "\(plan.steps[step].method) returned \(Self.describe(results[step])) where a result with \(component + 1) or more parts was expected")
                    }
                    return items[component]
                }
            }
            for (index, step) in plan.steps.enumerated() {
                for (k, source) in step.arguments.enumerated() { inputs[index][k] = try value(source) }
                if step.method == "reshape", let shape = step.shape {
                    guard case .tensor(let tensor) = inputs[index][0], tensor.count == Tensor.elementCount(shape) else {
                        throw ThrownError(kind: .other, message: "\(Self.origin(step.arguments[0], plan)) returned \(Self.describe(inputs[index][0])) where \(Tensor.elementCount(shape)) values (shape \(shape)) were expected")
                    }
                    results.append(.tensor(tensor.reshaped(shape)))
                    continue
                }
                let result: WireValue
                do {
                    result = try calls[index](inputs[index])
                } catch let thrown as ThrownError where thrown.kind == .badCall {
                    throw thrown
                } catch {
                    // "not implemented" names its function already; anything else gets the call's name.
                    let thrown = ThrownError(error)
                    throw thrown.kind == .notImplemented ? thrown : ThrownError(kind: thrown.kind, message: "\(step.method) threw: \(thrown.message)")
                }
                if let shape = step.shape {
                    guard case .tensor(let tensor) = result, tensor.count == Tensor.elementCount(shape) else {
                        throw ThrownError(kind: .other, message: "\(step.method) returned \(Self.describe(result)) where shape \(shape) was expected")
                    }
                }
                results.append(result)
            }
            for (index, output) in plan.outputs.enumerated() {
                let result = try value(output.source)
                switch output.mode {
                case .each: each[index].append(result)
                case .sum: try sums[index].add(result, from: Self.origin(output.source, plan))
                }
            }
        }
        return .list(plan.outputs.indices.map { plan.outputs[$0].mode == .each ? .list(each[$0]) : sums[$0].value })
    }

    /// The call a source's value came from, for messages.
    static func origin(_ source: CallPlan.Source, _ plan: CallPlan) -> String {
        guard case .result(let step, let component) = source else { return "the input \(source)" }
        return plan.steps[step].method + (component.map { " (result \($0 + 1))" } ?? "")
    }

    static func describe(_ value: WireValue) -> String {
        switch value {
        case .tensor(let t): return "a tensor of shape \(t.shape)"
        case .double: return "a number"
        case .list(let items): return "\(items.count) values"
        case .none: return "nothing"
        default: return "a value of another type"
        }
    }
}

/// A running sum of numbers or of tensors of one shape.
struct Accumulator {
    private var number: Double?
    private var tensor: Tensor?

    var value: WireValue {
        if let tensor { return .tensor(tensor) }
        return .double(number ?? 0)
    }

    mutating func add(_ value: WireValue, from origin: @autoclosure () -> String) throws {
        switch value {
        case .double(let x) where tensor == nil:
            number = (number ?? 0) + x
        case .tensor(let t) where number == nil:
            guard var total = tensor else { tensor = t; return }
            guard total.shape == t.shape else {
                throw ThrownError(kind: .other, message: "\(origin()) returned shape \(t.shape) for one sample and \(total.shape) for another")
            }
            tensor = nil  // keep the buffer unique: the sum is the training's hot loop
            total.scalars.withUnsafeMutableBufferPointer { sum in
                t.scalars.withUnsafeBufferPointer { g in ckernels_accumulate(sum.baseAddress!, g.baseAddress!, sum.count) }
            }
            tensor = total
        default:
            throw ThrownError(kind: .other, message: "\(origin()) returned \(Invocation.describe(value)) where a number or a tensor like the other samples' was expected")
        }
    }
}
