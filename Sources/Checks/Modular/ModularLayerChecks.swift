import ExerciseKit

/// Problems 4.1 and 4.4 of the modular assignment: each layer's forward against the harness's
/// oracle on the notebooks' `linspace` inputs (and seeded random ones), each backward against
/// central differences of the oracle's forward, compared with the notebooks' relative error.
enum ModularLayerChecks {
    static func normal(_ shape: [Int]) -> Tensor { RandomSource.shared.normal(shape: shape) }

    /// Normal values at least 0.01 from 0: a ReLU's numeric gradient at a kink is neither side's.
    static func awayFromZero(_ shape: [Int]) -> Tensor { normal(shape).map { abs($0) < 0.01 ? $0 + ($0 < 0 ? -0.01 : 0.01) : $0 } }

    /// Distinct values 0.01 apart in random order: no pooling window has two maxima within the step.
    static func distinct(_ shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(shape)
        return Tensor(shape: shape, scalars: RandomSource.shared.permutation(count).map { Double($0 - count / 2) * 0.01 })
    }

    /// Fails unless `got` has `want`'s shape and a relative error (as the notebooks define it) below
    /// `tolerance`. `floor`: values below this fraction of `want`'s largest are compared at that
    /// scale (a central difference is not more accurate than that; 0 is the notebooks' measure).
    static func expectRelative(_ got: Tensor, _ want: Tensor, below tolerance: Double, floor: Double = 0, what: String, hint: String) throws {
        try expectShape(got, want.shape, what: what, hint: hint)
        let scale = max(1e-8, floor * (want.scalars.map(abs).max() ?? 0))
        var worst = 0, worstError = -1.0
        for i in want.scalars.indices {
            let e = abs(got.scalars[i] - want.scalars[i]) / max(scale, abs(got.scalars[i]) + abs(want.scalars[i]))
            if e.isNaN || e > worstError { (worst, worstError) = (i, e.isNaN ? .infinity : e) }
        }
        guard worstError >= tolerance else { return }
        throw CheckFailure(expected: "\(what) with relative error < \(tolerance)",
                           got: "relative error \(worstError) (at flat index \(worst): got \(got.scalars[worst]), expected \(want.scalars[worst]))",
                           hint: hint)
    }

    // MARK: 4.1.1, 4.1.2 affine

    static let affineForward = CheckGroup(name: "affineForward", smallInputs: true, checks: [
        Check("linspace", "the notebook's case: x (2, 4, 5, 6), w (120, 3), b (3) from linspace; out (2, 3) within 1e-9") { registry in
            let x = CheckMath.linspace(-0.1, 0.5, [2, 4, 5, 6])
            let (w, b) = (CheckMath.linspace(-0.2, 0.3, [120, 3]), CheckMath.linspace(-0.3, 0.1, [3]))
            let (out, _) = try ModularClient.of(registry).affineForward(x, w, b)
            try expectRelative(out, Oracle.tensor(.affine(x.reshaped([2, 120]), w, b)), below: 1e-9, what: "affineForward's out",
                               hint: "reshape x to (N, D) row-major, then x·w + b (b added to every row)")
        },
        Check("flatInput", "x already (N, D) = (7, 4), w (4, 6): out (7, 6)") { registry in
            let (x, w, b) = (normal([7, 4]), normal([4, 6]), normal([6]))
            let (out, _) = try ModularClient.of(registry).affineForward(x, w, b)
            try expectRelative(out, Oracle.tensor(.affine(x, w, b)), below: 1e-9, what: "affineForward's out",
                               hint: "D is the product of x's shape after the first axis; for a 2-d x it is x's second axis")
        },
    ])

    static let affineBackward = CheckGroup(name: "affineBackward", smallInputs: true, checks: [
        Check("gradients", "x (10, 2, 3), w (6, 5), b (5): dx, dw, db against numeric gradients within 1e-8; dx has x's shape") { registry in
            let (x, w, b, dout) = (normal([10, 2, 3]), normal([6, 5]), normal([5]), normal([10, 5]))
            let modular = try ModularClient.of(registry)
            let (_, cache) = try modular.affineForward(x, w, b)
            let (dx, dw, db) = try modular.affineBackward(dout, cache)
            let flat = { (x: Tensor) in x.reshaped([10, 6]) }
            try expectRelative(dx, Oracle.gradient(x, dout, inputs: [w, b]) { try Oracle.tensor(.affine(flat($0), w, b)) }, below: 1e-8, floor: 1e-3,
                               what: "dx", hint: "dx = dout·wᵀ, reshaped to x's shape (N, d1, …, dk)")
            try expectRelative(dw, Oracle.gradient(w, dout, inputs: [x, b]) { try Oracle.tensor(.affine(flat(x), $0, b)) }, below: 1e-8, floor: 1e-3,
                               what: "dw", hint: "dw = xᵀ·dout with x reshaped to (N, D)")
            try expectRelative(db, Oracle.gradient(b, dout, inputs: [x, w]) { try Oracle.tensor(.affine(flat(x), w, $0)) }, below: 1e-8, floor: 1e-3,
                               what: "db", hint: "db sums dout over the batch (axis 0)")
        },
    ])

    // MARK: 4.1.3, 4.1.4 ReLU and the sandwich

    static let reluLayer = CheckGroup(name: "reluLayer", smallInputs: true, checks: [
        Check("forward", "linspace(−0.5, 0.5) of (3, 4): negatives become 0") { registry in
            let x = CheckMath.linspace(-0.5, 0.5, [3, 4])
            let (out, _) = try ModularClient.of(registry).reluForward(x)
            try expectRelative(out, Oracle.tensor(.relu(x)), below: 1e-9, what: "reluForward's out", hint: "out = max(0, x), element-wise")
        },
        Check("backward", "x (10, 10): dx against numeric gradients within 1e-8") { registry in
            let (x, dout) = (awayFromZero([10, 10]), normal([10, 10]))
            let modular = try ModularClient.of(registry)
            let (_, cache) = try modular.reluForward(x)
            let dx = try modular.reluBackward(dout, cache)
            try expectRelative(dx, Oracle.gradient(x, dout) { try Oracle.tensor(.relu($0)) }, below: 1e-8, floor: 1e-3, what: "dx",
                               hint: "dx = dout where x > 0, 0 elsewhere (use the cached x, not the output's sign of dout)")
        },
        Check("zeroInput", "x = 0 passes no gradient (the subgradient the assignment uses)") { registry in
            let x = Tensor(shape: [2, 3], scalars: [0, 1, -1, 0, 2, 0])
            let modular = try ModularClient.of(registry)
            let (_, cache) = try modular.reluForward(x)
            let dx = try modular.reluBackward(Tensor(repeating: 1, shape: [2, 3]), cache)
            try expectRelative(dx, Tensor(shape: [2, 3], scalars: [0, 1, 0, 0, 1, 0]), below: 1e-12, what: "dx for x = (0, 1, −1, 0, 2, 0)",
                               hint: "the gradient flows where x > 0 strictly")
        },
    ])

    static let sandwichLayers = CheckGroup(name: "sandwichLayers", smallInputs: true, checks: [
        Check("affineRelu", "x (2, 3, 4), w (12, 10), b (10): forward equals relu(affine), backward within 1e-8 of numeric") { registry in
            let (x, w, dout) = (normal([2, 3, 4]), normal([12, 10]), normal([2, 10]))
            // b moves every pre-activation at least 0.01 from the ReLU's kink.
            var b = normal([10])
            let a = try Oracle.tensor(.affine(x.reshaped([2, 12]), w, b))
            for column in 0..<10 where (0..<2).contains(where: { abs(a[$0, column]) < 0.01 }) { b.scalars[column] += 0.05 }
            let modular = try ModularClient.of(registry)
            let (out, cache) = try modular.affineReluForward(x, w, b)
            let f = { (x: Tensor, w: Tensor, b: Tensor) in try Oracle.tensor(.relu(Oracle.tensor(.affine(x.reshaped([2, 12]), w, b)))) }
            try expectRelative(out, try f(x, w, b), below: 1e-9, what: "affineReluForward's out", hint: "out = relu(affineForward(x, w, b))")
            let (dx, dw, db) = try modular.affineReluBackward(dout, cache)
            try expectRelative(dx, Oracle.gradient(x, dout, inputs: [w, b]) { try f($0, w, b) }, below: 1e-8, floor: 1e-3, what: "dx",
                               hint: "reluBackward first, then affineBackward, each with its own cache")
            try expectRelative(dw, Oracle.gradient(w, dout, inputs: [x, b]) { try f(x, $0, b) }, below: 1e-8, floor: 1e-3, what: "dw", hint: "")
            try expectRelative(db, Oracle.gradient(b, dout, inputs: [x, w]) { try f(x, w, $0) }, below: 1e-8, floor: 1e-3, what: "db", hint: "")
        },
    ])

    // MARK: 4.1.5, 4.1.6 dropout

    /// x = 10 + N(0, 1) of 500×500, as the notebook.
    static func dropoutInput() -> Tensor { normal([500, 500]) + 10 }

    static let dropoutForward = CheckGroup(name: "dropoutForward", checks: [
        Check("statistics", "keep p ∈ {0.25, 0.4, 0.7}, train: mean preserved within 1 %, zeros a fraction 1 − p ± 0.01") { registry in
            let x = dropoutInput()
            let modular = try ModularClient.of(registry)
            for p in [0.25, 0.4, 0.7] {
                let (out, _) = try modular.dropoutForward(x, DropoutParameters(keepProbability: p, mode: .train, seed: 123))
                try expectShape(out, x.shape, what: "dropoutForward's out", hint: "out has x's shape")
                let zeros = Double(out.scalars.filter { $0 == 0 }.count) / Double(out.count)
                try expect(abs(zeros - (1 - p)) < 0.01, expected: "a fraction \(1 - p) of zeros for keep probability \(p)",
                           got: "\(zeros)", hint: "p is the probability of *keeping* a unit: mask = (uniform < p)")
                let ratio = out.mean() / x.mean()
                try expect(abs(ratio - 1) < 0.01, expected: "the mean preserved (out.mean / x.mean ≈ 1) for p = \(p)",
                           got: "\(ratio)", hint: "inverted dropout scales the kept units by 1/p in training")
            }
        },
        Check("keptUnitsScaled", "every unit is 0 or x/p exactly") { registry in
            let x = dropoutInput()
            let (out, _) = try ModularClient.of(registry).dropoutForward(x, DropoutParameters(keepProbability: 0.4, mode: .train, seed: 7))
            try expectShape(out, x.shape, what: "dropoutForward's out", hint: "out has x's shape")
            let bad = out.scalars.indices.first { out.scalars[$0] != 0 && abs(out.scalars[$0] - x.scalars[$0] / 0.4) > 1e-9 * abs(x.scalars[$0]) }
            try expect(bad == nil, expected: "0 or x/0.4 in every unit", got: bad.map { "\(out.scalars[$0]) where x = \(x.scalars[$0])" } ?? "",
                       hint: "mask = (uniform < p) / p, out = x · mask")
        },
        Check("testMode", "test mode is the identity") { registry in
            let x = dropoutInput()
            let (out, _) = try ModularClient.of(registry).dropoutForward(x, DropoutParameters(keepProbability: 0.25, mode: .test, seed: 123))
            try expectRelative(out, x, below: 1e-15, what: "dropoutForward's test-mode out", hint: "in test mode return x unchanged (no scaling)")
        },
        Check("seeded", "the same seed drops the same units; another seed others") { registry in
            let x = normal([20, 30]) + 10
            let modular = try ModularClient.of(registry)
            let first = try modular.dropoutForward(x, DropoutParameters(keepProbability: 0.5, mode: .train, seed: 42)).out
            let again = try modular.dropoutForward(x, DropoutParameters(keepProbability: 0.5, mode: .train, seed: 42)).out
            let other = try modular.dropoutForward(x, DropoutParameters(keepProbability: 0.5, mode: .train, seed: 43)).out
            try expect(first == again, expected: "equal outputs for seed 42 twice", got: "different masks",
                       hint: "with a seed, draw the mask from RandomSource(seed: seed)")
            try expect(first != other, expected: "different masks for seeds 42 and 43", got: "the same mask",
                       hint: "draw the mask from RandomSource(seed: seed), not from a fixed sequence")
        },
    ])

    static let dropoutBackward = CheckGroup(name: "dropoutBackward", smallInputs: true, checks: [
        Check("gradient", "train, p = 0.2, seed 123: dx = dout · mask, the mask of its forward (read from forward's output)") { registry in
            let (x, dout) = (normal([10, 10]) + 10, normal([10, 10]))
            let modular = try ModularClient.of(registry)
            let (out, cache) = try modular.dropoutForward(x, DropoutParameters(keepProbability: 0.2, mode: .train, seed: 123))
            try expectShape(out, x.shape, what: "dropoutForward's out", hint: "out has x's shape")
            let dx = try modular.dropoutBackward(dout, cache)
            try expectRelative(dx, dout * out.zipWith(x) { $0 / $1 }, below: 1e-9, what: "dx",
                               hint: "backward multiplies dout by the cached mask (1/p where kept, 0 where dropped)")
        },
        Check("testMode", "test mode passes the gradient through") { registry in
            let (x, dout) = (normal([6, 7]), normal([6, 7]))
            let modular = try ModularClient.of(registry)
            let (_, cache) = try modular.dropoutForward(x, DropoutParameters(keepProbability: 0.3, mode: .test))
            try expectRelative(try modular.dropoutBackward(dout, cache), dout, below: 1e-15, what: "dx in test mode", hint: "in test mode dx = dout")
        },
    ])

    // MARK: 4.4.1–4.4.4 convolution and pooling

    static let convForwardNaive = CheckGroup(name: "convForwardNaive", smallInputs: true, checks: [
        Check("linspace", "the notebook's case: x (2, 3, 4, 4), w (3, 3, 4, 4), stride 2, pad 1: out (2, 3, 2, 2) within 1e-8") { registry in
            let (x, w) = (CheckMath.linspace(-0.1, 0.5, [2, 3, 4, 4]), CheckMath.linspace(-0.2, 0.3, [3, 3, 4, 4]))
            let b = CheckMath.linspace(-0.1, 0.2, [3])
            let (out, _) = try ModularClient.of(registry).convForwardNaive(x, w, b, ConvParameters(stride: 2, pad: 1))
            try expectRelative(out, Oracle.tensor(.conv(x, w, b, stride: 2, pad: 1)), below: 1e-8, what: "convForwardNaive's out",
                               hint: "H′ = 1 + (H + 2·pad − HH)/stride; zero-pad every side; correlate (do not flip w); add b per filter")
        },
        Check("asymmetric", "x (2, 2, 7, 5), w (3, 2, 3, 2), stride 1, pad 0 and stride 3, pad 2") { registry in
            let (x, w, b) = (normal([2, 2, 7, 5]), normal([3, 2, 3, 2]), normal([3]))
            let modular = try ModularClient.of(registry)
            for (stride, pad) in [(1, 0), (3, 2)] {
                let (out, _) = try modular.convForwardNaive(x, w, b, ConvParameters(stride: stride, pad: pad))
                try expectRelative(out, Oracle.tensor(.conv(x, w, b, stride: stride, pad: pad)), below: 1e-8,
                                   what: "convForwardNaive's out (stride \(stride), pad \(pad))",
                                   hint: "height and width use their own kernel sizes HH and WW")
            }
        },
        Check("kernelFillsThePaddedInput", "x (1, 2, 3, 2), w (2, 2, 5, 4), pad 1: the kernel exactly covers the padded input, out (1, 2, 1, 1)") { registry in
            let (x, w, b) = (normal([1, 2, 3, 2]), normal([2, 2, 5, 4]), normal([2]))
            let (out, _) = try ModularClient.of(registry).convForwardNaive(x, w, b, ConvParameters(stride: 1, pad: 1))
            try expectRelative(out, Oracle.tensor(.conv(x, w, b, stride: 1, pad: 1)), below: 1e-8, what: "convForwardNaive's out",
                               hint: "a kernel as large as the padded input is valid (H + 2·pad = HH gives H′ = 1)")
        },
    ])

    static let convBackwardNaive = CheckGroup(name: "convBackwardNaive", checks: [
        Check("gradients", "x (4, 3, 5, 5), w (2, 3, 3, 3), stride 1, pad 1: dx, dw, db within 1e-8 of numeric") { registry in
            try convGradients(registry, x: normal([4, 3, 5, 5]), w: normal([2, 3, 3, 3]), stride: 1, pad: 1)
        },
        Check("strided", "x (2, 2, 7, 6), w (3, 2, 3, 2), stride 2, pad 1") { registry in
            try convGradients(registry, x: normal([2, 2, 7, 6]), w: normal([3, 2, 3, 2]), stride: 2, pad: 1)
        },
    ])

    static func convGradients(_ registry: SubmissionRegistry, x: Tensor, w: Tensor, stride: Int, pad: Int) throws {
        let b = normal([w.shape[0]])
        let reference = try Oracle.tensor(.conv(x, w, b, stride: stride, pad: pad))
        let dout = normal(reference.shape)
        let modular = try ModularClient.of(registry)
        let (_, cache) = try modular.convForwardNaive(x, w, b, ConvParameters(stride: stride, pad: pad))
        let (dx, dw, db) = try modular.convBackwardNaive(dout, cache)
        try expectRelative(dx, Oracle.gradient(x, dout, inputs: [w, b], numbers: [Double(stride), Double(pad)]) { try Oracle.tensor(.conv($0, w, b, stride: stride, pad: pad)) }, below: 1e-8, floor: 1e-3,
                           what: "dx", hint: "each output's gradient flows back to the input pixels of its window (skip the padding)")
        try expectRelative(dw, Oracle.gradient(w, dout, inputs: [x, b], numbers: [Double(stride), Double(pad)]) { try Oracle.tensor(.conv(x, $0, b, stride: stride, pad: pad)) }, below: 1e-8, floor: 1e-3,
                           what: "dw", hint: "dw[f] sums dout[n, f, i, j] · the window of x at (i·stride, j·stride)")
        try expectRelative(db, Oracle.gradient(b, dout, inputs: [x, w], numbers: [Double(stride), Double(pad)]) { try Oracle.tensor(.conv(x, w, $0, stride: stride, pad: pad)) }, below: 1e-8, floor: 1e-3,
                           what: "db", hint: "db[f] sums dout over n, i, j")
    }

    static let maxPoolForwardNaive = CheckGroup(name: "maxPoolForwardNaive", smallInputs: true, checks: [
        Check("linspace", "the notebook's case: x (2, 3, 4, 4) from linspace, 2×2, stride 2") { registry in
            let x = CheckMath.linspace(-0.3, 0.4, [2, 3, 4, 4])
            let (out, _) = try ModularClient.of(registry).maxPoolForwardNaive(x, PoolParameters(poolHeight: 2, poolWidth: 2, stride: 2))
            try expectRelative(out, Oracle.tensor(.maxPool(x, height: 2, width: 2, stride: 2)), below: 1e-9, what: "maxPoolForwardNaive's out",
                               hint: "H′ = 1 + (H − poolHeight)/stride; each output is its window's maximum")
        },
        Check("overlapping", "x (2, 2, 7, 6), a 3×2 window, stride 1") { registry in
            let x = normal([2, 2, 7, 6])
            let (out, _) = try ModularClient.of(registry).maxPoolForwardNaive(x, PoolParameters(poolHeight: 3, poolWidth: 2, stride: 1))
            try expectRelative(out, Oracle.tensor(.maxPool(x, height: 3, width: 2, stride: 1)), below: 1e-9, what: "maxPoolForwardNaive's out",
                               hint: "the window's height and width are separate (poolHeight rows, poolWidth columns)")
        },
    ])

    static let maxPoolBackwardNaive = CheckGroup(name: "maxPoolBackwardNaive", smallInputs: true, checks: [
        Check("gradient", "x (3, 2, 8, 8), 2×2, stride 2: dx within 1e-8 of numeric") { registry in
            try poolGradient(registry, x: distinct([3, 2, 8, 8]), PoolParameters(poolHeight: 2, poolWidth: 2, stride: 2))
        },
        Check("overlapping", "x (2, 2, 6, 5), a 3×2 window, stride 1: overlapping windows add up") { registry in
            try poolGradient(registry, x: distinct([2, 2, 6, 5]), PoolParameters(poolHeight: 3, poolWidth: 2, stride: 1))
        },
    ])

    static func poolGradient(_ registry: SubmissionRegistry, x: Tensor, _ parameters: PoolParameters) throws {
        let f = { (x: Tensor) in try Oracle.tensor(.maxPool(x, height: parameters.poolHeight, width: parameters.poolWidth, stride: parameters.stride)) }
        let dout = normal(try f(x).shape)
        let modular = try ModularClient.of(registry)
        let (_, cache) = try modular.maxPoolForwardNaive(x, parameters)
        try expectRelative(try modular.maxPoolBackwardNaive(dout, cache), Oracle.gradient(x, dout, numbers: [Double(parameters.poolHeight), Double(parameters.poolWidth), Double(parameters.stride)], f), below: 1e-8, floor: 1e-3, what: "dx",
                           hint: "route each window's gradient to its maximum; add (+=) where windows overlap")
    }

    // MARK: given code, diagnostics only

    static let lossFunctions = CheckGroup(name: "lossFunctions", smallInputs: true, checks: [
        Check("softmaxLoss", "N = 50, C = 10, x = 0.001·N(0, 1): loss ≈ 2.3, loss and dx against the oracle") { registry in
            let x = 0.001 * normal([50, 10])
            let y = (0..<50).map { _ in RandomSource.shared.integer(below: 10) }
            let (loss, dx) = try ModularClient.of(registry).softmaxLoss(x, y)
            let want = try Oracle.tensors(.softmaxLoss(x, y))
            try expectClose(loss, want[0].scalars[0], tolerance: 1e-10, what: "softmaxLoss", hint: "the skeleton's softmaxLoss works: restore it")
            try expectRelative(dx, want[1], below: 1e-8, what: "softmaxLoss's dx", hint: "the skeleton's softmaxLoss works: restore it")
        },
        Check("svmLoss", "N = 50, C = 10, x = 0.001·N(0, 1): loss ≈ 9, loss and dx against the oracle") { registry in
            let x = 0.001 * normal([50, 10])
            let y = (0..<50).map { _ in RandomSource.shared.integer(below: 10) }
            let (loss, dx) = try ModularClient.of(registry).svmLoss(x, y)
            let want = try Oracle.tensors(.svmLoss(x, y))
            try expectClose(loss, want[0].scalars[0], tolerance: 1e-10, what: "svmLoss", hint: "the skeleton's svmLoss works: restore it")
            try expectRelative(dx, want[1], below: 1e-8, what: "svmLoss's dx", hint: "the skeleton's svmLoss works: restore it")
        },
    ])
}
