// Element-wise operations, reductions and the few matrix helpers the exercises need.
// Every binary operation requires equal shapes (no broadcasting: explicit is easier to grade).

extension Tensor {
    /// A tensor of the same shape with `transform` applied to every value.
    /// (Inlinable, so the closure is specialised in the caller's module: these run per element.)
    @inlinable
    public func map(_ transform: (Double) throws -> Double) rethrows -> Tensor {
        Tensor(shape: shape, scalars: try scalars.map(transform))
    }

    /// Combines two tensors of equal shape value by value.
    @inlinable
    public func zipWith(_ other: Tensor, _ combine: (Double, Double) -> Double) -> Tensor {
        if _slowPath(!(shape == other.shape)) { ensureFailed("Shapes \(shape) and \(other.shape) differ") }
        var result = scalars
        other.scalars.withUnsafeBufferPointer { rhs in
            for index in result.indices { result[index] = combine(result[index], rhs[index]) }
        }
        return Tensor(shape: shape, scalars: result)
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, -) }
    /// Element-wise (Hadamard) product, numpy's `a * b`.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, *) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, /) }
    public static func + (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 + rhs } }
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 - rhs } }
    public static func * (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 * rhs } }
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    public static func / (lhs: Tensor, rhs: Double) -> Tensor { lhs.map { $0 / rhs } }
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }

    /// The sum of all values.
    public func sum() -> Double { scalars.reduce(0, +) }
    /// The mean of all values.
    public func mean() -> Double { scalars.isEmpty ? .nan : sum() / Double(scalars.count) }
    /// The largest value (NaN if any value is NaN).
    public func max() -> Double {
        scalars.contains(where: \.isNaN) ? .nan : (scalars.max() ?? -.infinity)
    }
    /// The index of the largest value in the flattened tensor (first one on ties).
    public func argmax() -> Int {
        var best = 0
        for index in scalars.indices where scalars[index] > scalars[best] { best = index }
        return best
    }
    /// True when any value is NaN or infinite.
    public var hasNonFinite: Bool { scalars.contains { !$0.isFinite } }

    /// The transpose of a 2-d tensor.
    public func transposed() -> Tensor {
        if _slowPath(!(rank == 2)) { ensureFailed("transposed() needs a 2-d tensor, got shape \(shape)") }
        let (rows, columns) = (shape[0], shape[1])
        var result = [Double](repeating: 0, count: count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = scalars[row * columns + column] }
        }
        return Tensor(shape: [columns, rows], scalars: result)
    }

    /// The matrix product of two 2-d tensors, `(n×k)·(k×m) = n×m`.
    public func matmul(_ other: Tensor) -> Tensor {
        if _slowPath(!(rank == 2 && other.rank == 2)) { ensureFailed("matmul needs 2-d tensors, got \(shape) and \(other.shape)") }
        if _slowPath(!(shape[1] == other.shape[0])) { ensureFailed("Cannot multiply \(shape) by \(other.shape)") }
        let (n, k, m) = (shape[0], shape[1], other.shape[1])
        var result = [Double](repeating: 0, count: n * m)
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        for p in 0..<k {
                            let aip = a[i * k + p]
                            if aip == 0 { continue }
                            for j in 0..<m { c[i * m + j] += aip * b[p * m + j] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, m], scalars: result)
    }

    /// Rows `range` of the first axis (numpy's `t[a:b]`).
    public func slice(rows range: Range<Int>) -> Tensor {
        if _slowPath(!(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0])) { ensureFailed("Rows \(range) are out of range for shape \(shape)") }
        let rowSize = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(
            shape: newShape,
            scalars: Array(scalars[(range.lowerBound * rowSize)..<(range.upperBound * rowSize)]))
    }

    /// Rows picked by index along the first axis (numpy's `t[indices]`).
    public func gather(rows indices: [Int]) -> Tensor {
        if _slowPath(!(rank >= 1)) { ensureFailed("gather needs at least one axis") }
        let rowSize = shape.dropFirst().reduce(1, *)
        var result = [Double]()
        result.reserveCapacity(indices.count * rowSize)
        for index in indices {
            if _slowPath(!(index >= 0 && index < shape[0])) { ensureFailed("Row \(index) is out of range for shape \(shape)") }
            result.append(contentsOf: scalars[(index * rowSize)..<((index + 1) * rowSize)])
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape, scalars: result)
    }
}
