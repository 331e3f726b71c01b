/// An n-dimensional array of `Double`, stored row-major (C order), like a numpy `ndarray`.
///
/// Enough to write the exercises without numpy, no more: a shape, the scalars, index
/// subscripts, reshape and a few element-wise helpers (see `Tensor+Arithmetic.swift`).
///
///     var t = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
///     t[1, 2]          // 5.0
///     t[0, 1] = 9
///     t.reshaped([3, 2]).shape   // [3, 2]
///
/// A scalar is a tensor of shape `[]` holding one value (`Tensor(1.5)`), as numpy's 0-d arrays.
public struct Tensor: Equatable, Sendable {
    /// The size of every axis; `[]` for a scalar.
    public private(set) var shape: [Int]
    /// The values in row-major order; `count == shape.product`.
    public var scalars: [Double]

    /// Creates a tensor from its shape and row-major scalars.
    public init(shape: [Int], scalars: [Double]) {
        if _slowPath(!(shape.allSatisfy { $0 >= 0 })) { ensureFailed("Shape \(shape) has a negative axis") }
        if _slowPath(!(Tensor.elementCount(shape) == scalars.count)) { ensureFailed("Shape \(shape) holds \(Tensor.elementCount(shape)) values but \(scalars.count) were given") }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every value `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of `shape` filled with zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A scalar (0-d) tensor.
    public init(_ scalar: Double) {
        self.init(shape: [], scalars: [scalar])
    }

    /// A 1-d tensor of the given values.
    public init(_ values: [Double]) {
        self.init(shape: [values.count], scalars: values)
    }

    /// A 2-d tensor from rows of equal length.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        if _slowPath(!(rows.allSatisfy { $0.count == columns })) { ensureFailed("Rows have different lengths") }
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// `0, 1, ..., n-1` as doubles, in `shape` (numpy's `arange(n).reshape(shape)`).
    public static func arange(shape: [Int]) -> Tensor {
        let count = elementCount(shape)
        return Tensor(shape: shape, scalars: (0..<count).map(Double.init))
    }

    /// The number of values.
    @inlinable public var count: Int { scalars.count }
    /// The number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The single value of a scalar or one-element tensor.
    public var scalar: Double {
        if _slowPath(!(scalars.count == 1)) { ensureFailed("Tensor of shape \(shape) is not a scalar") }
        return scalars[0]
    }

    /// The row-major strides of the shape: how far one step along each axis moves in `scalars`.
    public var strides: [Int] {
        var result = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// The offset in `scalars` of a multi-index; traps with a message when it is out of range.
    public func offset(of indices: [Int]) -> Int {
        if _slowPath(!(indices.count == shape.count)) { ensureFailed("\(indices.count) indices given for a tensor of shape \(shape)") }
        var offset = 0
        for axis in 0..<shape.count {
            if _slowPath(!(indices[axis] >= 0 && indices[axis] < shape[axis])) { ensureFailed("Index \(indices) is out of range for shape \(shape)") }
            offset = offset * shape[axis] + indices[axis]
        }
        return offset
    }

    // Element access is inlinable, and has fixed-arity forms, so `t[i, j]` in a submission costs
    // an index computation, not a call across the dynamic library and an array of indices
    // (measured: a subscript-style hw5 MLP trained in 236 s against the reference's 1.7 s).
    // Inlined code bakes in Tensor's layout; the grader's build cache is keyed by the ExerciseKit
    // build, so no submission is ever run with code inlined from another layout.

    /// The value at `t[i]` of a 1-d tensor.
    @inlinable public subscript(_ i: Int) -> Double {
        get { scalars[checkedOffset(i)] }
        _modify {
            let offset = checkedOffset(i)
            yield &scalars[offset]
        }
    }

    /// The value at `t[i, j]` of a 2-d tensor.
    @inlinable public subscript(_ i: Int, _ j: Int) -> Double {
        get { scalars[checkedOffset(i, j)] }
        _modify {
            let offset = checkedOffset(i, j)
            yield &scalars[offset]
        }
    }

    /// The value at `t[i, j, k]` of a 3-d tensor.
    @inlinable public subscript(_ i: Int, _ j: Int, _ k: Int) -> Double {
        get { scalars[checkedOffset(i, j, k)] }
        _modify {
            let offset = checkedOffset(i, j, k)
            yield &scalars[offset]
        }
    }

    /// The value at `t[i, j, k, l]` of a 4-d tensor.
    @inlinable public subscript(_ i: Int, _ j: Int, _ k: Int, _ l: Int) -> Double {
        get { scalars[checkedOffset(i, j, k, l)] }
        _modify {
            let offset = checkedOffset(i, j, k, l)
            yield &scalars[offset]
        }
    }

    // Swift's own `precondition` here, not `ensureFailed`: a trap the optimiser can hoist and
    // merge (the out-of-line failure call made the subscript-style hw5 sample 2x slower). Its
    // message is dropped under -O; the grader's debug rerun of a crashed check prints it.
    // Once every index is checked against its axis the offset is below `count`, so ranks 3 and 4
    // compute it without overflow traps (`&*`, `&+`): the subscript-style CNN trains in 22.5 s
    // instead of 26.9 s. Rank 2 keeps Swift's checked arithmetic: its no-overflow guarantee is
    // what lets the optimiser see `t[i, j]` step by one along j (wrapping made the MLP 2x slower).
    // Writes go through `_modify`: `t[i, j] += x` checks the index and uniqueness once, not twice.
    @inlinable func checkedOffset(_ i: Int) -> Int {
        precondition(shape.count == 1, "1 index given for a tensor of shape \(shape)")
        precondition(i >= 0 && i < shape[0], "Index [\(i)] is out of range for shape \(shape)")
        return i
    }

    @inlinable func checkedOffset(_ i: Int, _ j: Int) -> Int {
        precondition(shape.count == 2, "2 indices given for a tensor of shape \(shape)")
        precondition(i >= 0 && i < shape[0] && j >= 0 && j < shape[1], "Index [\(i), \(j)] is out of range for shape \(shape)")
        return i * shape[1] + j
    }

    @inlinable func checkedOffset(_ i: Int, _ j: Int, _ k: Int) -> Int {
        precondition(shape.count == 3, "3 indices given for a tensor of shape \(shape)")
        precondition(i >= 0 && i < shape[0] && j >= 0 && j < shape[1] && k >= 0 && k < shape[2],
                     "Index [\(i), \(j), \(k)] is out of range for shape \(shape)")
        return (i &* shape[1] &+ j) &* shape[2] &+ k
    }

    @inlinable func checkedOffset(_ i: Int, _ j: Int, _ k: Int, _ l: Int) -> Int {
        precondition(shape.count == 4, "4 indices given for a tensor of shape \(shape)")
        precondition(i >= 0 && i < shape[0] && j >= 0 && j < shape[1] && k >= 0 && k < shape[2] && l >= 0 && l < shape[3],
                     "Index [\(i), \(j), \(k), \(l)] is out of range for shape \(shape)")
        return ((i &* shape[1] &+ j) &* shape[2] &+ k) &* shape[3] &+ l
    }

    /// The value at a multi-index, `t[b, c, y, x, …]` (any rank; ranks 1–4 use the forms above).
    public subscript(_ indices: Int...) -> Double {
        get { scalars[offset(of: indices)] }
        set { scalars[offset(of: indices)] = newValue }
    }

    /// The value at a multi-index given as an array.
    public subscript(index indices: [Int]) -> Double {
        get { scalars[offset(of: indices)] }
        set { scalars[offset(of: indices)] = newValue }
    }

    /// The same values in another shape with the same number of elements (row-major, no copy).
    /// One axis may be `-1`, inferred from the others, as in numpy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element)
            let rest = Tensor.elementCount(known)
            if _slowPath(!(rest > 0 && count % rest == 0)) { ensureFailed("Cannot reshape \(shape) to \(newShape)") }
            resolved[inferred] = count / rest
        }
        if _slowPath(!(Tensor.elementCount(resolved) == count)) { ensureFailed("Cannot reshape \(shape) (\(count) values) to \(newShape)") }
        return Tensor(shape: resolved, scalars: scalars)
    }

    /// The number of values a shape holds (1 for `[]`).
    @inlinable public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }
}

extension Tensor: CustomStringConvertible {
    /// `Tensor([2, 2]: [1.0, 2.0, 3.0, 4.0])`, shortened after 8 values.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", … (\(scalars.count) values)" : ""
        return "Tensor(\(shape): [\(shown)\(more)])"
    }
}
