import ExerciseKit

/// `TestPooling` (spec §1.7) on a (2, 2, 4, 7) input uniform in [−1, 1), plus tie routing.
enum PoolingChecks {
    static let inputShape = [2, 2, 4, 7]
    static let sizeHint = "\"valid\" pooling: output ⌊(size − pool)/stride⌋ + 1 per axis; the constructor takes (stride, pooling shape)"

    static func make(_ registry: SubmissionRegistry, _ stride: [Int], _ pool: [Int]) throws -> any PoolingLayer {
        try require(registry.pooling, "Pooling")(stride, pool)
    }

    static func input() -> Tensor { RandomSource.shared.uniform(shape: inputShape, low: -1, high: 1) }

    static func shapeCheck(_ name: String, _ stride: [Int], _ output: [Int]) -> Check {
        Check(name, "Pooling(\(stride), [2, 2]) on (2, 2, 4, 7) gives \(output)") { registry in
            try expectShape(try make(registry, stride, [2, 2]).forward(input()), output, what: "forward output", hint: sizeHint)
        }
    }

    static func gradientCheck(_ name: String, _ stride: [Int], labelColumns: Int, oneHot: Bool) -> Check {
        Check(name, "input gradient through [Pooling(\(stride), [2, 2]), Flatten, L2] <= 1e-6") { registry in
            let x = input()
            let label = oneHot ? Fixtures.oneHot(batch: 2, categories: labelColumns) : Fixtures.random([2, labelColumns])
            let layers: [any Layer] = [try make(registry, stride, [2, 2]), try require(registry.flatten, "Flatten")()]
            try GradientCheck.input(layers, L2Loss(), x, label).expect(tolerance: 1e-6, what: "Pooling input gradient",
                hint: "route each error to the position of its window's maximum (stored in forward); add where windows overlap")
        }
    }

    static func valueCheck(_ name: String, input: Tensor, expected: Tensor, summary: String) -> Check {
        Check(name, summary) { registry in
            try expectAllClose(try make(registry, [2, 2], [2, 2]).forward(input), expected, tolerance: 1e-12,
                               what: "forward output", hint: "take the maximum of each window; drop rows and columns that do not fill a window")
        }
    }

    static let group = CheckGroup(name: "TestPooling", smallInputs: true, checks: [
        Check("trainable", "Pooling is not trainable") { registry in
            try expect(!(try make(registry, [2, 2], [2, 2]).trainable), expected: "trainable == false", got: "true", hint: "Pooling has no weights")
        },
        shapeCheck("shape", [2, 2], [2, 2, 2, 3]),
        shapeCheck("overlappingShape", [2, 1], [2, 2, 2, 6]),
        shapeCheck("subsamplingShape", [3, 2], [2, 2, 1, 3]),
        gradientCheck("gradientStride", [2, 2], labelColumns: 12, oneHot: true),
        gradientCheck("gradientOverlappingStride", [2, 1], labelColumns: 24, oneHot: false),
        gradientCheck("gradientSubsamplingStride", [3, 2], labelColumns: 6, oneHot: false),
        Check("layoutPreservation", "Pooling((1,1),(1,1)) passes its input unchanged") { registry in
            let x = Tensor.arange(shape: inputShape)
            try expectAllClose(try make(registry, [1, 1], [1, 1]).forward(x), x, tolerance: 1e-12, what: "forward output",
                               hint: "keep the (b, c, y, x) layout")
        },
        valueCheck("expectedOutputValidEdgecase", input: Tensor.arange(shape: [2, 1, 3, 3]),
                   expected: Tensor(shape: [2, 1, 1, 1], scalars: [4, 13]),
                   summary: "arange(18) as (2,1,3,3) gives [[[[4]]], [[[13]]]]"),
        valueCheck("expectedOutput", input: Tensor.arange(shape: [2, 1, 4, 4]),
                   expected: Tensor(shape: [2, 1, 2, 2], scalars: [5, 7, 13, 15, 21, 23, 29, 31]),
                   summary: "arange(32) as (2,1,4,4) gives [[5,7],[13,15]] and [[21,23],[29,31]]"),
        // Beyond the original ten: ties. Each output's error goes to exactly one input, so the
        // error's sum is kept; routing to every tied maximum multiplies it.
        Check("backwardTies", "with tied maxima, backward keeps the error's sum (one position per window)") { registry in
            let layer = try make(registry, [2, 2], [2, 2])
            let output = try layer.forward(Tensor(repeating: 1, shape: [1, 1, 4, 4]))
            let error = Tensor(repeating: 1, shape: output.shape)
            let back = try layer.backward(error)
            try expect(abs(back.sum() - error.sum()) < 1e-12, expected: "Σ backward error = \(error.sum())",
                       got: "\(back.sum())", hint: "on ties route each error to one maximum (the first, as numpy's argmax), not to every tied cell")
        },
    ])
}
