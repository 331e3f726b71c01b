/// Inner loops of the functional exercise with explicit SIMD: the compiler cannot prove that
/// unsafe buffers do not alias, so it would leave these loops scalar.
enum Vector {
    /// y[0..<count] += a · x[0..<count].
    @inline(__always)
    static func addScaled(_ y: UnsafeMutablePointer<Double>, _ a: Double, _ x: UnsafePointer<Double>, count: Int) {
        var i = 0
        let scale = SIMD4<Double>(repeating: a)
        while i + 4 <= count {
            let sum = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self)
                + scale * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: sum, as: SIMD4<Double>.self)
            i += 4
        }
        while i < count { y[i] += a * x[i]; i += 1 }
    }

    /// y[0..<count] = a · x[0..<count].
    @inline(__always)
    static func scaled(_ y: UnsafeMutablePointer<Double>, _ a: Double, _ x: UnsafePointer<Double>, count: Int) {
        var i = 0
        let scale = SIMD4<Double>(repeating: a)
        while i + 4 <= count {
            UnsafeMutableRawPointer(y + i).storeBytes(of: scale * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self), as: SIMD4<Double>.self)
            i += 4
        }
        while i < count { y[i] = a * x[i]; i += 1 }
    }

    /// Σ a[i]·b[i] over count values.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var i = 0
        var sum = SIMD4<Double>(repeating: 0)
        while i + 4 <= count {
            sum += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        var total = sum.sum()
        while i < count { total += a[i] * b[i]; i += 1 }
        return total
    }
}
