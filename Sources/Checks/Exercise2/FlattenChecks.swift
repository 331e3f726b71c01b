import ExerciseKit

/// `TestFlatten` (spec §1.5): arange(9·3·4·11) as (9, 3, 4, 11).
enum FlattenChecks {
    static let inputShape = [9, 3, 4, 11]

    static let group = CheckGroup(name: "TestFlatten", smallInputs: true, checks: [
        Check("trainable", "Flatten is not trainable") { registry in
            let layer = try require(registry.flatten, "Flatten")()
            try expect(!layer.trainable, expected: "trainable == false", got: "true",
                       hint: "Flatten has no weights")
        },
        Check("flattenForward", "forward reshapes (9, 3, 4, 11) to (9, 132) in row-major order") { registry in
            let layer = try require(registry.flatten, "Flatten")()
            let input = Tensor.arange(shape: inputShape)
            let output = try layer.forward(input)
            try expectAllClose(output, input.reshaped([9, 132]), tolerance: 1e-9, what: "Flatten.forward",
                               hint: "keep the batch axis and reshape the rest row-major (no transpose)")
        },
        Check("flattenBackward", "backward(forward(x)) gives x back") { registry in
            let layer = try require(registry.flatten, "Flatten")()
            let input = Tensor.arange(shape: inputShape)
            let restored = try layer.backward(try layer.forward(input))
            try expectAllClose(restored, input, tolerance: 1e-9, what: "Flatten.backward(forward(x))",
                               hint: "store the input shape in forward and reshape the error back to it")
        },
    ])
}
