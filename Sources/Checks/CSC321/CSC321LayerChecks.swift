import ExerciseKit

/// CSC321 assignment 2's layers: each forward against the harness's oracle, each backward
/// against central differences of the oracle's forward, and the convolution by both methods,
/// which must also agree with each other.
enum CSC321LayerChecks {
    static func normal(_ shape: [Int]) -> Tensor { RandomSource.shared.normal(shape: shape) }
    static func expectRelative(_ got: Tensor, _ want: Tensor, below tolerance: Double, floor: Double = 0, what: String, hint: String) throws {
        try ModularLayerChecks.expectRelative(got, want, below: tolerance, floor: floor, what: what, hint: hint)
    }

    static let fullyConnected = CheckGroup(name: "csc321FullyConnected", smallInputs: true, checks: [
        Check("forward", "x (5, 7), w (7, 4), b (4): y = x·w + b within 1e-9") { registry in
            let (x, w, b) = (normal([5, 7]), normal([7, 4]), normal([4]))
            try expectRelative(try CSC321Client.of(registry).fcForward(x, w, b), Oracle.tensor(.affine(x, w, b)), below: 1e-9,
                               what: "fcForward's y", hint: "y[i, j] = Σk x[i, k]·w[k, j] + b[j]")
        },
        Check("backward", "dx, dw, db against numeric gradients within 1e-8") { registry in
            let (x, w, b, dy) = (normal([6, 5]), normal([5, 3]), normal([3]), normal([6, 3]))
            let (dx, dw, db) = try CSC321Client.of(registry).fcBackward(dy, x, w)
            try expectRelative(dx, Oracle.gradient(x, dy, inputs: [w, b]) { try Oracle.tensor(.affine($0, w, b)) }, below: 1e-8, floor: 1e-3,
                               what: "dx", hint: "dx = dy·wᵀ")
            try expectRelative(dw, Oracle.gradient(w, dy, inputs: [x, b]) { try Oracle.tensor(.affine(x, $0, b)) }, below: 1e-8, floor: 1e-3,
                               what: "dw", hint: "dw = xᵀ·dy")
            try expectRelative(db, Oracle.gradient(b, dy, inputs: [x, w]) { try Oracle.tensor(.affine(x, w, $0)) }, below: 1e-8, floor: 1e-3,
                               what: "db", hint: "db sums dy over the batch")
        },
    ])

    static let relu = CheckGroup(name: "csc321ReLU", smallInputs: true, checks: [
        Check("forward", "max(0, x) on (3, 2, 4, 4)") { registry in
            let x = normal([3, 2, 4, 4])
            try expectRelative(try CSC321Client.of(registry).reluForward(x), Oracle.tensor(.relu(x)), below: 1e-12, what: "reluForward", hint: "max(0, x) element-wise, shape kept")
        },
        Check("backward", "dy where x > 0, 0 elsewhere (x = 0 included)") { registry in
            var x = ModularLayerChecks.awayFromZero([4, 6])
            x.scalars[0] = 0
            let dy = normal([4, 6])
            try expectRelative(try CSC321Client.of(registry).reluBackward(dy, x), dy.zipWith(x) { $1 > 0 ? $0 : 0 }, below: 1e-12,
                               what: "reluBackward", hint: "the gradient flows where x > 0 strictly")
        },
    ])

    static let softmax = CheckGroup(name: "csc321Softmax", smallInputs: true, checks: [
        Check("loss", "scores (8, 10): the batch mean of −log softmax[label] and its gradient within 1e-9") { registry in
            let scores = normal([8, 10])
            let labels = (0..<8).map { _ in RandomSource.shared.integer(below: 10) }
            let (loss, d) = try CSC321Client.of(registry).softmaxCrossEntropy(scores, labels)
            let want = try Oracle.tensors(.softmaxLoss(scores, labels))
            try expect(abs(loss - want[0].scalars[0]) <= 1e-9 * max(1, abs(want[0].scalars[0])), expected: "loss \(want[0].scalars[0])", got: "\(loss)",
                       hint: "the mean over the batch, natural log")
            try expectRelative(d, want[1], below: 1e-9, what: "dScores", hint: "(softmax − one-hot) / N")
        },
        Check("largeScores", "scores around 1000 stay finite") { registry in
            let scores = normal([4, 10]) * 3 + 1000
            let (loss, d) = try CSC321Client.of(registry).softmaxCrossEntropy(scores, [1, 2, 3, 4])
            try expect(loss.isFinite && !d.hasNonFinite, expected: "a finite loss and gradient", got: "loss \(loss)",
                       hint: "subtract each row's maximum before exp")
            try expectRelative(d, try Oracle.tensors(.softmaxLoss(scores, [1, 2, 3, 4]))[1], below: 1e-9, what: "dScores", hint: "")
        },
    ])

    static func convForwardCheck(_ method: ConvMethod) -> Check {
        Check("forward", "x (2, 3, 7, 6), w (4, 3, 3, 3), pad 1 and pad 0: a correlation within 1e-9 of the harness's") { registry in
            let csc = try CSC321Client.of(registry)
            for pad in [1, 0] {
                let (x, w, b) = (normal([2, 3, 7, 6]), normal([4, 3, 3, 3]), normal([4]))
                try expectRelative(try csc.convForward(x, w, b, pad: pad, method: method), Oracle.tensor(.conv(x, w, b, stride: 1, pad: pad)), below: 1e-9,
                                   what: "convForward (method \(method.rawValue), pad \(pad))",
                                   hint: method == .dotProduct ? "y[n, f, i, j] = b[f] + Σ w[f, c, u, v]·xpad[n, c, i + u, j + v]"
                                       : "convolve flips the kernel: pass it the flipped kernel to get a correlation")
            }
        }
    }

    static func convBackwardCheck(_ method: ConvMethod) -> Check {
        Check("backward", "dx, dw, db against numeric gradients within 1e-8, pad 2 with a 5×5 kernel and pad 0") { registry in
            let csc = try CSC321Client.of(registry)
            for (pad, k) in [(2, 5), (0, 3)] {
                let (x, w, b) = (normal([2, 2, 6, 6]), normal([3, 2, k, k]), normal([3]))
                let dy = normal([2, 3, 6 + 2 * pad - k + 1, 6 + 2 * pad - k + 1])
                let (dx, dw, db) = try csc.convBackward(dy, x, w, pad: pad, method: method)
                let hint = method == .dotProduct ? "each output pixel's dot product sends dy·w back to its patch and dy·patch to dw"
                    : "dx: convolve dy padded by k − pad − 1 with the kernel; dw: convolve the padded input with the flipped dy"
                try expectRelative(dx, Oracle.gradient(x, dy, inputs: [w, b], numbers: [Double(pad)]) { try Oracle.tensor(.conv($0, w, b, stride: 1, pad: pad)) },
                                   below: 1e-8, floor: 1e-3, what: "dx (method \(method.rawValue), pad \(pad))", hint: hint)
                try expectRelative(dw, Oracle.gradient(w, dy, inputs: [x, b], numbers: [Double(pad)]) { try Oracle.tensor(.conv(x, $0, b, stride: 1, pad: pad)) },
                                   below: 1e-8, floor: 1e-3, what: "dw (method \(method.rawValue), pad \(pad))", hint: hint)
                try expectRelative(db, Oracle.gradient(b, dy, inputs: [x, w], numbers: [Double(pad)]) { try Oracle.tensor(.conv(x, w, $0, stride: 1, pad: pad)) },
                                   below: 1e-8, floor: 1e-3, what: "db (method \(method.rawValue))", hint: "db[f] sums dy over the batch and the image")
            }
        }
    }

    static let convMethod1 = CheckGroup(name: "csc321ConvMethod1", smallInputs: true, checks: [convForwardCheck(.dotProduct), convBackwardCheck(.dotProduct)])

    static let convMethod2 = CheckGroup(name: "csc321ConvMethod2", smallInputs: true, checks: [
        convForwardCheck(.convolve), convBackwardCheck(.convolve),
        Check("agreesWithMethod1", "both methods give the same y, dx, dw, db (within 1e-10), kernels 1 to 5 with every kind of padding") { registry in
            let csc = try CSC321Client.of(registry)
            for (k, pad) in [(1, 0), (3, 0), (3, 1), (5, 2), (5, 4), (4, 1)] {
                let (x, w, b) = (normal([2, 2, 5 + k, 4 + k]), normal([2, 2, k, k]), normal([2]))
                let y1 = try csc.convForward(x, w, b, pad: pad, method: .dotProduct)
                let y2 = try csc.convForward(x, w, b, pad: pad, method: .convolve)
                try expectRelative(y2, y1, below: 1e-10, what: "method 2's y against method 1's (k \(k), pad \(pad))", hint: "the two methods compute one function")
                let dy = normal(y1.shape)
                let one = try csc.convBackward(dy, x, w, pad: pad, method: .dotProduct)
                let two = try csc.convBackward(dy, x, w, pad: pad, method: .convolve)
                for (name, a, c) in [("dx", two.dx, one.dx), ("dw", two.dw, one.dw), ("db", two.db, one.db)] {
                    try expectRelative(a, c, below: 1e-10, what: "method 2's \(name) against method 1's (k \(k), pad \(pad))", hint: "the two methods compute one function")
                }
            }
        },
    ])

    static let maxPool = CheckGroup(name: "csc321MaxPool", smallInputs: true, checks: [
        Check("forward", "size 2 on (2, 3, 8, 6) and size 3 on (1, 2, 9, 9)") { registry in
            let csc = try CSC321Client.of(registry)
            for (size, shape) in [(2, [2, 3, 8, 6]), (3, [1, 2, 9, 9])] {
                let x = normal(shape)
                try expectRelative(try csc.maxPoolForward(x, size: size), Oracle.tensor(.maxPool(x, height: size, width: size, stride: size)), below: 1e-12,
                                   what: "maxPoolForward (size \(size))", hint: "the maximum of each size×size window, windows side by side")
            }
        },
        Check("backward", "dy routed to each window's maximum (distinct values), against numeric gradients") { registry in
            let x = ModularLayerChecks.distinct([2, 2, 4, 6])
            let dy = normal([2, 2, 2, 3])
            let dx = try CSC321Client.of(registry).maxPoolBackward(dy, x, size: 2)
            try expectRelative(dx, Oracle.gradient(x, dy) { try Oracle.tensor(.maxPool($0, height: 2, width: 2, stride: 2)) }, below: 1e-8, floor: 1e-3,
                               what: "maxPoolBackward's dx", hint: "each window's dy goes to the position of its maximum, the rest 0")
        },
    ])
}
