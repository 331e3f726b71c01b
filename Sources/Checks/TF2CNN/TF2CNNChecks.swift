import ExerciseKit
import Foundation

/// The TF2 CNN assignment's checkable parts: Keras parameter counts and output shapes (against the
/// harness's own arithmetic, asked as oracle questions), question 1.1 in either padding
/// convention, and a shallow network trained by the grader.
enum TF2CNNChecks {
    /// The layers as an oracle question's numbers: [kind, a, b, c] per layer (`KerasOracle`).
    static func code(_ layers: [KerasLayer]) -> [Double] {
        layers.flatMap { layer -> [Double] in
            switch layer {
            case .dense(let units, _): [1, Double(units), 0, 0]
            case .conv2D(let filters, let kernel, let padding, _): [2, Double(filters), Double(kernel), padding == .same ? 1 : 0]
            case .maxPooling2D(let size): [4, Double(size), 0, 0]
            case .flatten: [5, 0, 0, 0]
            }
        }
    }

    /// The harness's summary of `layers`: output shapes and "Param #" per layer, nil when they do not fit.
    static func summary(_ layers: [KerasLayer], input: [Int]) throws -> (shapes: [[Int]], parameters: [Int])? {
        let answer = try Oracle.answer(.kerasSummary(code: code(layers), input: input))
        guard answer.count == 2 else { return nil }
        let shapes = (0..<layers.count).map { row in
            let values = answer[0].scalars[(row * 3)..<(row * 3 + 3)].map { Int($0) }
            return Array(values.prefix { $0 > 0 })
        }
        return (shapes, answer[1].scalars.map { Int($0) })
    }

    /// Question 1.1's architecture (28×28×1) with `padding` on both convolutions.
    static func questionOneOne(_ padding: KerasLayer.Padding) -> [KerasLayer] {
        [.conv2D(filters: 32, kernel: 5, padding: padding, activation: .relu), .maxPooling2D(size: 2),
         .conv2D(filters: 64, kernel: 5, padding: padding, activation: .relu), .maxPooling2D(size: 2),
         .flatten, .dense(units: 1024, activation: .relu), .dense(units: 10, activation: .softmax)]
    }

    /// The totals question 1.1 accepts, by convention (Keras's summary of each).
    static let questionOneOneTotals: [KerasLayer.Padding: Int] = [.valid: 1_111_946, .same: 3_274_634]

    static func describe(_ layers: [KerasLayer]) -> String {
        layers.map { layer in
            switch layer {
            case .conv2D(let f, let k, let p, let a): "conv2D(\(f), \(k)×\(k), \(p.rawValue), \(a.rawValue))"
            case .maxPooling2D(let s): "maxPooling2D(\(s))"
            case .flatten: "flatten"
            case .dense(let u, let a): "dense(\(u), \(a.rawValue))"
            }
        }.joined(separator: " → ")
    }

    /// A random architecture that fits an input of `input`, for the counts' and shapes' checks.
    static func randomArchitecture(_ random: RandomSource, input: [Int]) -> [KerasLayer] {
        var layers: [KerasLayer] = []
        var side = min(input[0], input[1])
        for _ in 0..<(1 + random.integer(below: 2)) {
            let kernel = 1 + random.integer(below: 5)
            let padding: KerasLayer.Padding = random.integer(below: 2) == 0 ? .valid : .same
            layers.append(.conv2D(filters: 1 + random.integer(below: 24), kernel: kernel, padding: padding, activation: .relu))
            if padding == .valid { side -= kernel - 1 }
            if side >= 4 { layers.append(.maxPooling2D(size: 2)); side /= 2 }
        }
        return layers + [.flatten, .dense(units: 1 + random.integer(below: 100), activation: .relu), .dense(units: 10, activation: .softmax)]
    }

    static func expectCounts(_ got: [Int], _ layers: [KerasLayer], input: [Int]) throws {
        guard let want = try summary(layers, input: input)?.parameters else { throw DataError(description: "a grader fault: the check's architecture does not fit") }
        guard got == want else {
            let row = got.indices.first { $0 >= want.count || got[$0] != want[$0] } ?? min(got.count, want.count)
            throw CheckFailure(expected: "\"Param #\" per layer of \(describe(layers)) on \(input): \(want) (total \(want.reduce(0, +)))",
                               got: "\(got)" + (row < layers.count ? " (layer \(row + 1) differs)" : ""),
                               hint: "a convolution has k·k·channels·filters weights and a bias per filter; a dense layer inputs·units + units; pooling and flatten none")
        }
    }

    static func expectShapes(_ got: [[Int]], _ layers: [KerasLayer], input: [Int]) throws {
        guard let want = try summary(layers, input: input)?.shapes else { throw DataError(description: "a grader fault: the check's architecture does not fit") }
        guard got == want else {
            let row = got.indices.first { $0 >= want.count || got[$0] != want[$0] } ?? min(got.count, want.count)
            throw CheckFailure(expected: "output shapes of \(describe(layers)) on \(input): \(want)", got: "\(got)" + (row < layers.count ? " (layer \(row + 1) differs)" : ""),
                               hint: "\"valid\" loses k − 1 rows and columns, \"same\" keeps them; pooling divides by its size, rounding down; flatten multiplies")
        }
    }

    static let parameterCounts = CheckGroup(name: "tf2ParameterCounts", smallInputs: true, checks: [
        Check("givenValid", "question 1.1's architecture with \"valid\" padding: 832, 0, 51,264, 0, 0, 1,049,600, 10,250 (1,111,946)") { registry in
            try expectCounts(try TF2CNNClient.of(registry).parameterCounts(questionOneOne(.valid), input: [28, 28, 1]), questionOneOne(.valid), input: [28, 28, 1])
        },
        Check("givenSame", "question 1.1's architecture with \"same\" padding: 3,274,634 in all") { registry in
            try expectCounts(try TF2CNNClient.of(registry).parameterCounts(questionOneOne(.same), input: [28, 28, 1]), questionOneOne(.same), input: [28, 28, 1])
        },
        Check("random", "five random architectures on 14×14 to 40×40 images with 1 to 3 channels") { registry in
            let tf2 = try TF2CNNClient.of(registry)
            for _ in 0..<5 {
                let input = [14 + RandomSource.shared.integer(below: 27), 14 + RandomSource.shared.integer(below: 27), 1 + RandomSource.shared.integer(below: 3)]
                let layers = randomArchitecture(RandomSource.shared, input: input)
                try expectCounts(try tf2.parameterCounts(layers, input: input), layers, input: input)
            }
        },
    ])

    static let outputShapes = CheckGroup(name: "tf2OutputShapes", smallInputs: true, checks: [
        Check("given", "question 1.1's architecture, both paddings: (24, 24, 32) … (10) and (28, 28, 32) … (10)") { registry in
            let tf2 = try TF2CNNClient.of(registry)
            for padding in [KerasLayer.Padding.valid, .same] {
                try expectShapes(try tf2.outputShapes(questionOneOne(padding), input: [28, 28, 1]), questionOneOne(padding), input: [28, 28, 1])
            }
        },
        Check("random", "five random architectures") { registry in
            let tf2 = try TF2CNNClient.of(registry)
            for _ in 0..<5 {
                let input = [14 + RandomSource.shared.integer(below: 27), 14 + RandomSource.shared.integer(below: 27), 1 + RandomSource.shared.integer(below: 3)]
                let layers = randomArchitecture(RandomSource.shared, input: input)
                try expectShapes(try tf2.outputShapes(layers, input: input), layers, input: input)
            }
        },
    ])

    static let questionOneOneGroup = CheckGroup(name: "tf2QuestionOneOne", smallInputs: true, checks: [
        Check("architecture", "the figure's layers in either padding convention, and your count of it: 1,111,946 (valid) or 3,274,634 (same)") { registry in
            let tf2 = try TF2CNNClient.of(registry)
            let layers = try tf2.questionOneOne()
            guard let padding = [KerasLayer.Padding.valid, .same].first(where: { questionOneOne($0) == layers }) else {
                throw CheckFailure(expected: "the figure's layers: \(describe(questionOneOne(.valid))) (or with \"same\" on both convolutions)",
                                   got: describe(layers),
                                   hint: "5×5 kernels, 32 then 64 filters, 2×2 pooling after each, dense 1024 with ReLU, dense 10 with softmax; one padding for both")
            }
            let total = try tf2.parameterCounts(layers, input: [28, 28, 1]).reduce(0, +)
            let want = questionOneOneTotals[padding]!
            try expect(total == want, expected: "\(want) free parameters (the \"\(padding.rawValue)\" convention)", got: "\(total) from parameterCounts",
                       hint: "the tf2ParameterCounts group's checks say which layer")
            CheckNotes.add("question 1.1: \(want) free parameters, the \"\(padding.rawValue)\" convention (the other, \"\(padding == .valid ? "same" : "valid")\", gives \(questionOneOneTotals[padding == .valid ? .same : .valid]!))")
        },
    ])
}
