import ExerciseKit
import Foundation

/// A question a public check asks the harness's own implementation of an exercise: "what is the
/// correct output for these inputs?". The answer is the implementation's (`Oracles/`) in the
/// grader; in a student's kit, which ships no implementation, it is the answer recorded when the
/// kit was built (`RecordedCases`), looked up by the question's digest (its case and inputs).
enum OracleQuestion {
    // hw5
    case fc(Tensor, Tensor, Tensor)
    /// (dlDx, dlDw) of fc at x, w for dlDy.
    case fcBackward(dlDy: Tensor, x: Tensor, w: Tensor)
    case softmax(Tensor)
    case crossEntropy(Tensor, Tensor)
    case relu(Tensor)
    case reluBackward(dlDy: Tensor, x: Tensor)
    /// hw5's conv: correlation with zero padding 1, x H×W×C1, w h×w×C1×C2.
    case correlate(Tensor, Tensor, Tensor)
    case pool(Tensor)
    case poolBackward(dlDy: Tensor, x: Tensor)
    // The modular exercise
    case affine(Tensor, Tensor, Tensor)
    case conv(Tensor, Tensor, Tensor, stride: Int, pad: Int)
    case maxPool(Tensor, height: Int, width: Int, stride: Int)
    /// (loss as a 0-d tensor, dx).
    case softmaxLoss(Tensor, [Int])
    case svmLoss(Tensor, [Int])
    /// (next w, velocity), (next w, cache), (next w, m, v, t as a 0-d tensor).
    case sgdMomentum(Tensor, Tensor, UpdateConfig)
    case rmsprop(Tensor, Tensor, UpdateConfig)
    case adam(Tensor, Tensor, UpdateConfig)
    case fullyConnectedScores(Tensor, [String: Tensor], layers: Int)
    case convNetScores(Tensor, [String: Tensor])
    /// How far the smallest pre-activation or pooling tie of the network at these parameters is from a kink.
    case kinkMargin(Tensor, [String: Tensor], convolutional: Bool)
    /// Central differences of a function of oracles, asked at a source line with these inputs.
    case numericGradient(site: String, inputs: [Tensor])
    // Sequential networks (CSC321, TF2 CNN); layers as `NetworkLayer.code`
    /// Each layer's output shape, then each parameter's shape, as 1-d tensors ([] when the layers do not fit).
    case networkShapes(code: [Double], input: [Int])
    /// (layers, 2): each layer's free parameters and connections, CSC321's definitions.
    case layerCounts(code: [Double], input: [Int])
    /// Keras layers (`TF2CNNChecks.code`): (layers, 3) output shapes, zero-padded, and (layers) "Param #".
    case kerasSummary(code: [Double], input: [Int])

    /// The case's name and every input, as the digest reads them.
    var parts: (name: String, tensors: [Tensor], numbers: [Double]) {
        switch self {
        case .fc(let x, let w, let b): ("fc", [x, w, b], [])
        case .fcBackward(let dlDy, let x, let w): ("fcBackward", [dlDy, x, w], [])
        case .softmax(let x): ("softmax", [x], [])
        case .crossEntropy(let x, let y): ("crossEntropy", [x, y], [])
        case .relu(let x): ("relu", [x], [])
        case .reluBackward(let dlDy, let x): ("reluBackward", [dlDy, x], [])
        case .correlate(let x, let w, let b): ("correlate", [x, w, b], [])
        case .pool(let x): ("pool", [x], [])
        case .poolBackward(let dlDy, let x): ("poolBackward", [dlDy, x], [])
        case .affine(let x, let w, let b): ("affine", [x, w, b], [])
        case .conv(let x, let w, let b, let stride, let pad): ("conv", [x, w, b], [Double(stride), Double(pad)])
        case .maxPool(let x, let height, let width, let stride): ("maxPool", [x], [Double(height), Double(width), Double(stride)])
        case .softmaxLoss(let x, let y): ("softmaxLoss", [x], y.map(Double.init))
        case .svmLoss(let x, let y): ("svmLoss", [x], y.map(Double.init))
        case .sgdMomentum(let w, let dw, let config): ("sgdMomentum", [w, dw] + Self.state(config), Self.numbers(config))
        case .rmsprop(let w, let dw, let config): ("rmsprop", [w, dw] + Self.state(config), Self.numbers(config))
        case .adam(let w, let dw, let config): ("adam", [w, dw] + Self.state(config), Self.numbers(config))
        case .fullyConnectedScores(let x, let params, let layers): ("fullyConnectedScores", [x] + Self.sorted(params), [Double(layers)])
        case .convNetScores(let x, let params): ("convNetScores", [x] + Self.sorted(params), [])
        case .kinkMargin(let x, let params, let convolutional): ("kinkMargin", [x] + Self.sorted(params), [convolutional ? 1 : 0])
        case .numericGradient(let site, let inputs): ("numericGradient " + site, inputs, [])
        case .networkShapes(let code, let input): ("networkShapes", [], code + [-1] + input.map(Double.init))
        case .layerCounts(let code, let input): ("layerCounts", [], code + [-1] + input.map(Double.init))
        case .kerasSummary(let code, let input): ("kerasSummary", [], code + [-1] + input.map(Double.init))
        }
    }

    static func sorted(_ params: [String: Tensor]) -> [Tensor] { params.keys.sorted().map { params[$0]! } }
    /// A missing state tensor reads as an empty one, so nil and zeros stay different questions.
    static func state(_ c: UpdateConfig) -> [Tensor] { [c.velocity, c.cache, c.m, c.v].map { $0 ?? Tensor(shape: [0], scalars: []) } }
    static func numbers(_ c: UpdateConfig) -> [Double] { [c.learningRate, c.momentum, c.decayRate, c.epsilon, c.beta1, c.beta2, Double(c.t)] }

    /// FNV-1a over the case's name, every input's shape and every scalar's bits: a question
    /// asked again with the same inputs has the same digest in the grader and in a kit.
    var digest: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash = (hash ^ ((word >> UInt64(shift)) & 0xff)) &* 0x100_0000_01b3
            }
        }
        let (name, tensors, numbers) = parts
        for byte in name.utf8 { mix(UInt64(byte)) }
        for tensor in tensors {
            mix(UInt64(tensor.shape.count))
            for dimension in tensor.shape { mix(UInt64(dimension)) }
            for scalar in tensor.scalars { mix(scalar.bitPattern) }
        }
        for number in numbers { mix(number.bitPattern) }
        return hash
    }
}

/// The harness's own implementation of the exercises (the `Oracles/` folder), which a student's
/// kit leaves out: the answers to public checks' questions, the judge's verification of every
/// training iteration, its inference on trained weights, and the hidden groups.
protocol HarnessOracles: Sendable {
    func answer(_ question: OracleQuestion) -> [Tensor]
    /// The hidden groups that compare a submission with the reference.
    var differentialGroups: [CheckGroup] { get }
    /// For a hw5 training on `data`: the exact loss of a mini-batch at parameters p and its
    /// derivative along a direction v.
    func trainingVerifier(_ model: TrainingRun.Model, _ data: MNIST) -> (_ batch: ArraySlice<Int>, _ p: [Tensor], _ v: [Tensor]) -> TrainingMeasure
    /// hw5's class scores (10×1) of one 196×1 image.
    func hw5Scores(_ model: TrainingRun.Model, _ image: Tensor, _ p: [Tensor]) -> Tensor
    /// The modular networks' loss (data loss + regularization) of a minibatch.
    func modularMeasure(_ x: Tensor, _ y: [Int], _ params: [String: Tensor], _ network: ModularSolver.Request.Network, reg: Double) -> TrainingMeasure
    /// The modular networks' class scores, (N, 10) row-major.
    func modularScores(_ x: Tensor, _ params: [String: Tensor], _ network: ModularSolver.Request.Network) -> [Double]
    /// A sequential network's mean cross-entropy plus 0.5·l2·Σw², every parameter's gradient, and the largest sample's loss.
    func sequentialMeasure(_ x: Tensor, _ y: [Int], _ layers: [NetworkLayer], _ params: [Tensor], l2: Double)
        -> (loss: Double, gradients: [Tensor], largestSampleLoss: Double)
    /// A sequential network's class scores (N, classes).
    func sequentialScores(_ x: Tensor, _ layers: [NetworkLayer], _ params: [Tensor]) -> Tensor
}

/// A mini-batch's loss as the judge measured it (the mean over the batch), its derivative
/// along a direction, and the largest single sample's loss.
struct TrainingMeasure {
    var loss: Double
    var slope: Double
    var largestSampleLoss: Double
}

/// What the judge and `grader kit` see of the recorded cases.
public enum KitCases {
    /// The file under the data folder a kit's public checks answer from.
    public static var fileName: String { RecordedCases.fileName }
    /// Called by the judge after each check: keeps the answers it recorded, if recording.
    public static func appendRecorded() throws { try RecordedCases.appendRecorded() }
    /// An encoded file of several appends as one (a question answered twice kept once), nil if damaged.
    public static func merged(_ data: Data) -> Data? { RecordedCases.decode(data).map(RecordedCases.encode) }
}

/// Where public checks get their expected values from: the harness's implementation, or a kit's
/// recorded answers. While `RecordedCases.recording` (as `grader kit` grades the reference),
/// every answer given is kept to be written into the kit.
enum Oracle {
    /// Oracle calls inside a numeric gradient being recorded are answered live, not recorded.
    nonisolated(unsafe) private static var nesting = 0

    static func answer(_ question: OracleQuestion) throws -> [Tensor] {
        if let oracles = harnessOracles {
            let answer = oracles.answer(question)
            if nesting == 0 { RecordedCases.record(question, answer) }
            return answer
        }
        return try RecordedCases.answer(question)
    }

    static func tensor(_ question: OracleQuestion) throws -> Tensor { try answer(question)[0] }
    static func tensors(_ question: OracleQuestion) throws -> [Tensor] { try answer(question) }
    static func scalar(_ question: OracleQuestion) throws -> Double { try answer(question)[0].scalars[0] }

    /// Central differences of Σ dout ⊙ f(x) (`NumericGradient.ofArray`), where `f` is made of
    /// oracle answers; `inputs` are the other tensors `f` reads, for the question's digest.
    static func gradient(_ x: Tensor, _ dout: Tensor, inputs: [Tensor] = [], numbers: [Double] = [],
                         file: String = #fileID, line: Int = #line, _ f: (Tensor) throws -> Tensor) throws -> Tensor {
        let site = "\(file):\(line) " + numbers.map { "\($0.bitPattern)" }.joined(separator: ",")
        let question = OracleQuestion.numericGradient(site: site, inputs: [x, dout] + inputs)
        guard harnessOracles != nil else { return try RecordedCases.answer(question)[0] }
        nesting += 1
        defer { nesting -= 1 }
        let gradient = try NumericGradient.ofArray(x, dout, f)
        if nesting == 1 { RecordedCases.record(question, [gradient]) }
        return gradient
    }
}

/// Answers recorded from the harness's implementation when a kit is built, so a kit's public
/// checks expect what the grader's do. File format (little-endian): per answer, the question's
/// digest (u64), the tensor count (u32), and per tensor its rank (u32), dimensions (u64 each)
/// and scalars (f64 each).
enum RecordedCases {
    /// The file a kit reads its answers from, under the data folder.
    static let fileName = "recorded/cases.bin"

    nonisolated(unsafe) private static var recorded: [UInt64: [Tensor]] = [:]
    nonisolated(unsafe) private static var loaded: [UInt64: [Tensor]]?
    /// Whether answers are kept: `GRADER_RECORD_CASES` names the file (`grader kit` sets it for
    /// the judges of its grading of the reference).
    static let recording = ProcessInfo.processInfo.environment["GRADER_RECORD_CASES"] != nil

    /// Keeps an answer while recording; otherwise does nothing (not even the digest).
    static func record(_ question: OracleQuestion, _ answer: [Tensor]) {
        if recording { recorded[question.digest] = answer }
    }

    /// Appends the answers recorded since the last call to the `GRADER_RECORD_CASES` file (the
    /// judge, after each check, while `grader kit` grades the reference).
    static func appendRecorded() throws {
        guard recording, let path = ProcessInfo.processInfo.environment["GRADER_RECORD_CASES"], !recorded.isEmpty else { return }
        defer { recorded = [:] }
        guard let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            throw DataError(description: "cannot write the kit's recorded cases to \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: encode(recorded))
    }

    static func answer(_ question: OracleQuestion) throws -> [Tensor] {
        if loaded == nil {
            let path = "\(CheckEnvironment.dataDirectory)/\(fileName)"
            guard let data = FileManager.default.contents(atPath: path), let cases = decode(data) else {
                throw DataError(description: "\(path) is missing or damaged: this kit's public checks read their expected values from it (rebuild the kit with `grader kit`)")
            }
            loaded = cases
        }
        guard let answer = loaded![question.digest] else {
            throw DataError(description: "no recorded answer for this check's \(question.parts.name) question: the kit holds the answers for its rubric's seed and parameters: grade with the kit's rubric unchanged")
        }
        return answer
    }

    static func encode(_ cases: [UInt64: [Tensor]]) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for digest in cases.keys.sorted() {
            let tensors = cases[digest]!
            append(digest)
            append(UInt32(tensors.count))
            for tensor in tensors {
                append(UInt32(tensor.shape.count))
                for dimension in tensor.shape { append(UInt64(dimension)) }
                for scalar in tensor.scalars { append(scalar.bitPattern) }
            }
        }
        return data
    }

    /// The answers in `data` (several encodings concatenated read as their union); nil if damaged.
    static func decode(_ data: Data) -> [UInt64: [Tensor]]? {
        var cases: [UInt64: [Tensor]] = [:]
        var offset = data.startIndex
        func read<T: FixedWidthInteger>(_: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard data.endIndex - offset >= size else { return nil }
            var value: T = 0
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: data[offset..<(offset + size)]) }
            offset += size
            return T(littleEndian: value)
        }
        while offset < data.endIndex {
            guard let digest = read(UInt64.self), let count = read(UInt32.self), count < 64 else { return nil }
            var tensors: [Tensor] = []
            for _ in 0..<count {
                guard let rank = read(UInt32.self), rank <= 8 else { return nil }
                var shape: [Int] = []
                for _ in 0..<rank {
                    guard let dimension = read(UInt64.self), dimension < 1 << 24 else { return nil }
                    shape.append(Int(dimension))
                }
                let elements = Tensor.elementCount(shape)
                guard data.endIndex - offset >= elements * 8 else { return nil }
                var scalars = [Double](repeating: 0, count: elements)
                for index in 0..<elements { scalars[index] = Double(bitPattern: read(UInt64.self)!) }
                tensors.append(Tensor(shape: shape, scalars: scalars))
            }
            cases[digest] = tensors
        }
        return cases
    }
}

/// Numeric differentiation, as the notebooks' `gradient_check.py` (given to students there too).
enum NumericGradient {
    /// Central differences of Σ dout ⊙ f(x) at x (the notebooks' `eval_numerical_gradient_array`).
    /// The layers are piecewise linear and the checks keep their inputs 0.01 from a kink, so a step
    /// of 1e-3 is exact but for rounding, which is 100 times smaller than with the notebooks' 1e-5.
    static func ofArray(_ x: Tensor, _ dout: Tensor, h: Double = 1e-3, _ f: (Tensor) throws -> Tensor) rethrows -> Tensor {
        var gradient = Tensor(zeros: x.shape)
        for index in x.scalars.indices {
            var plus = x, minus = x
            plus.scalars[index] += h
            minus.scalars[index] -= h
            let (up, down) = (try f(plus), try f(minus))
            var sum = 0.0
            for k in dout.scalars.indices { sum += (up.scalars[k] - down.scalars[k]) * dout.scalars[k] }
            gradient.scalars[index] = sum / (2 * h)
        }
        return gradient
    }

    /// Five-point centred differences of a scalar function (a network's loss), h = 1e-4. The
    /// notebooks' two-point `eval_numerical_gradient` errs by about 1e-9 on these networks
    /// (measured), more than 1e-6 of their smaller gradients; this stencil errs by about 1e-12.
    static func ofScalar(_ x: Tensor, h: Double = 1e-4, _ f: (Tensor) throws -> Double) rethrows -> Tensor {
        var gradient = Tensor(zeros: x.shape)
        for index in x.scalars.indices {
            func at(_ step: Double) throws -> Double {
                var moved = x
                moved.scalars[index] += step * h
                return try f(moved)
            }
            gradient.scalars[index] = (try -at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * h)
        }
        return gradient
    }
}

/// Inputs as the notebooks make them, and small tensor utilities of the checks.
enum CheckMath {
    /// `np.linspace(low, high, num=count)` shaped.
    static func linspace(_ low: Double, _ high: Double, _ shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(shape)
        return Tensor(shape: shape, scalars: (0..<count).map { count == 1 ? low : low + (high - low) * Double($0) / Double(count - 1) })
    }

    /// The kernel rotated by 180° in its two spatial axes: correlation with it is a convolution.
    static func flipped(_ w: Tensor) -> Tensor {
        var result = w
        let (kh, kw, inputs, outputs) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        for u in 0..<kh { for v in 0..<kw { for c in 0..<inputs { for o in 0..<outputs {
            result[u, v, c, o] = w[kh - 1 - u, kw - 1 - v, c, o]
        } } } }
        return result
    }

    /// The fraction of rows of `scores` (N, C) whose largest entry is at the label.
    static func accuracy(_ scores: Tensor, _ y: [Int]) -> Double {
        let classes = scores.shape[1]
        var correct = 0
        for row in y.indices {
            var best = 0
            for c in 1..<classes where scores.scalars[row * classes + c] > scores.scalars[row * classes + best] { best = c }
            if best == y[row] { correct += 1 }
        }
        return Double(correct) / Double(max(1, y.count))
    }

    /// The assignment's L2 regularization, 0.5·reg·ΣW² over the weights (named W…), not the biases.
    static func regularization(_ params: [String: Tensor], reg: Double) -> Double {
        params.keys.sorted().filter { $0.hasPrefix("W") }.reduce(0) { $0 + 0.5 * reg * params[$1]!.scalars.reduce(0) { $0 + $1 * $1 } }
    }

    static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        var sum = 0.0
        a.scalars.withUnsafeBufferPointer { a in b.scalars.withUnsafeBufferPointer { b in for i in a.indices { sum += a[i] * b[i] } } }
        return sum
    }
}
