/// CSC321 (Winter 2015) assignment 2: a convolutional net built from modular layers, each a
/// forward and a backward function, with the convolution written two ways, and architectures
/// read from YAML configs (``CSC321Layer``).
///
/// Shapes: images are (N, C, H, W) row-major; a fully connected layer's x is (N, D), w (D, H),
/// b (H); a convolution's w is (F, C, k, k), b (F), stride 1, `pad` zeros on every side, and it is
/// a *correlation* (the kernel is not flipped), so its output is (N, F, H + 2·pad − k + 1, …).
/// Every function is stateless: a backward gets what its forward got.
///
/// A submission implements every function in one type and registers it:
///
///     struct CSC321: CSC321Exercise { … }
///     registry.register(CSC321())
public protocol CSC321Exercise: CallableContract {
    /// y = x·w + b.
    func fcForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor
    /// dL/dx (N, D), dL/dw (D, H), dL/db (H) from dL/dy (N, H).
    func fcBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) throws -> (dx: Tensor, dw: Tensor, db: Tensor)
    /// max(0, x), any shape.
    func reluForward(_ x: Tensor) throws -> Tensor
    /// dy where x > 0, 0 elsewhere.
    func reluBackward(_ dy: Tensor, _ x: Tensor) throws -> Tensor
    /// The mean over the batch of −log softmax(scores)[label], and its gradient (N, classes).
    func softmaxCrossEntropy(_ scores: Tensor, _ labels: [Int]) throws -> (loss: Double, dScores: Tensor)
    /// The convolution layer by `method`: ``ConvMethod/dotProduct`` (Method 1, one dot product
    /// per output pixel) or ``ConvMethod/convolve`` (Method 2, built on ``CSC321Given/convolve(_:_:mode:)``).
    /// Both must give the same result.
    func convForward(_ x: Tensor, _ w: Tensor, _ b: Tensor, pad: Int, method: ConvMethod) throws -> Tensor
    /// dL/dx, dL/dw, dL/db of the convolution from dL/dy, by `method`. Method 2 uses `convolve`
    /// three times: the forward with the flipped kernel, dx from dy padded by k − pad − 1 with
    /// the kernel, dw from the padded input and the flipped dy.
    func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, pad: Int, method: ConvMethod) throws -> (dx: Tensor, dw: Tensor, db: Tensor)
    /// Non-overlapping max pooling over size×size windows (H and W divisible by size).
    func maxPoolForward(_ x: Tensor, size: Int) throws -> Tensor
    /// dy routed to each window's maximum (the first in row-major order on a tie).
    func maxPoolBackward(_ dy: Tensor, _ x: Tensor, size: Int) throws -> Tensor
    /// Each layer's free parameters and connections on an input of `input` ((C, H, W) or (D)):
    /// a fully connected layer D·H + H parameters and D·H connections; a convolution F·C·k·k + F
    /// parameters and (output units)·C·k·k connections (a padded zero counts as an input); ReLU
    /// and pooling none of either.
    func layerCounts(_ layers: [CSC321Layer], input: [Int]) throws -> [LayerCount]
}

/// The two ways of computing a convolution layer the assignment asks for.
public enum ConvMethod: Int, Sendable, CaseIterable {
    /// Method 1: a dot product of the kernel with every input patch.
    case dotProduct = 1
    /// Method 2: the given `convolve`, used three times.
    case convolve = 2
}

/// One layer of an architecture, as the assignment's YAML configs write it.
public enum CSC321Layer: Equatable, Sendable {
    case fc(units: Int)
    case conv(filters: Int, size: Int, pad: Int)
    case relu
    case maxPool(size: Int)
}

/// A layer's free parameters and connections.
public struct LayerCount: Equatable, Sendable {
    public var parameters: Int
    public var connections: Int
    public init(parameters: Int, connections: Int) {
        self.parameters = parameters
        self.connections = connections
    }
}

/// Code the assignment gives (as its starter code gives `scipy.signal.convolve2d`).
public enum CSC321Given {
    public enum ConvolveMode: Sendable {
        /// Only where the kernel fits: (h − kh + 1) × (w − kw + 1).
        case valid
        /// Wherever they overlap: (h + kh − 1) × (w + kw − 1).
        case full
    }

    /// The true 2-D convolution of `x` (h×w) with `k` (kh×kw), the kernel flipped in both axes.
    public static func convolve(_ x: Tensor, _ k: Tensor, mode: ConvolveMode) -> Tensor {
        precondition(x.rank == 2 && k.rank == 2, "convolve takes two 2-d tensors")
        let (h, w, kh, kw) = (x.shape[0], x.shape[1], k.shape[0], k.shape[1])
        let (oh, ow, shift) = mode == .valid ? (h - kh + 1, w - kw + 1, 0) : (h + kh - 1, w + kw - 1, 1)
        guard oh > 0, ow > 0 else { return Tensor(zeros: [max(0, oh), max(0, ow)]) }
        var out = [Double](repeating: 0, count: oh * ow)
        x.scalars.withUnsafeBufferPointer { xs in
            k.scalars.withUnsafeBufferPointer { ks in
                for i in 0..<oh {
                    for j in 0..<ow {
                        // out[i, j] = Σ x[a, b]·k[i' − a, j' − b] over the overlap, i' = i (+ kh − 1 when full).
                        let (ti, tj) = (i + (shift == 1 ? 0 : kh - 1), j + (shift == 1 ? 0 : kw - 1))
                        var sum = 0.0
                        for u in 0..<kh {
                            let a = ti - u
                            guard a >= 0, a < h else { continue }
                            for v in 0..<kw {
                                let b = tj - v
                                guard b >= 0, b < w else { continue }
                                sum += xs[a * w + b] * ks[u * kw + v]
                            }
                        }
                        out[i * ow + j] = sum
                    }
                }
            }
        }
        return Tensor(shape: [oh, ow], scalars: out)
    }
}

extension CSC321Exercise {
    public static var contractName: String { "CSC321" }

    /// The call table: method names to this exercise's functions.
    public func call(_ method: String, _ a: [ExerciseValue]) throws -> ExerciseValue {
        func tensor(_ i: Int) throws -> Tensor { try a.argument(i, of: method).tensor("argument \(i + 1) of \(method)") }
        func int(_ i: Int) throws -> Int { try a.argument(i, of: method).int("argument \(i + 1) of \(method)") }
        func three(_ r: (Tensor, Tensor, Tensor)) -> ExerciseValue { .list([.tensor(r.0), .tensor(r.1), .tensor(r.2)]) }
        func convMethod(_ i: Int) throws -> ConvMethod {
            guard let method = ConvMethod(rawValue: try int(i)) else { throw CallError("the convolution method is 1 or 2") }
            return method
        }
        switch method {
        case "fcForward": return .tensor(try fcForward(try tensor(0), try tensor(1), try tensor(2)))
        case "fcBackward": return three(try fcBackward(try tensor(0), try tensor(1), try tensor(2)))
        case "reluForward": return .tensor(try reluForward(try tensor(0)))
        case "reluBackward": return .tensor(try reluBackward(try tensor(0), try tensor(1)))
        case "softmaxCrossEntropy":
            let (loss, d) = try softmaxCrossEntropy(try tensor(0), try a.argument(1, of: method).ints("the labels"))
            return .list([.double(loss), .tensor(d)])
        case "convForward":
            return .tensor(try convForward(try tensor(0), try tensor(1), try tensor(2), pad: try int(3), method: try convMethod(4)))
        case "convBackward":
            return three(try convBackward(try tensor(0), try tensor(1), try tensor(2), pad: try int(3), method: try convMethod(4)))
        case "maxPoolForward": return .tensor(try maxPoolForward(try tensor(0), size: try int(1)))
        case "maxPoolBackward": return .tensor(try maxPoolBackward(try tensor(0), try tensor(1), size: try int(2)))
        case "layerCounts":
            let layers = try a.argument(0, of: method).list("the layers").map(CSC321Layer.init)
            let counts = try layerCounts(layers, input: try a.argument(1, of: method).ints("the input shape"))
            return .list(counts.map { .ints([$0.parameters, $0.connections]) })
        default: throw CallError("the CSC321 exercise has no function \(method)")
        }
    }
}

// MARK: How a layer travels

extension CSC321Layer {
    /// [kind, numbers…]: ["fc", units], ["conv", filters, size, pad], ["relu"], ["maxPool", size].
    public var exerciseValue: ExerciseValue {
        switch self {
        case .fc(let units): return .list([.string("fc"), .int(units)])
        case .conv(let filters, let size, let pad): return .list([.string("conv"), .int(filters), .int(size), .int(pad)])
        case .relu: return .list([.string("relu")])
        case .maxPool(let size): return .list([.string("maxPool"), .int(size)])
        }
    }

    public init(_ value: ExerciseValue) throws {
        let items = try value.list("a layer")
        guard let kind = try items.first?.string("a layer's kind") else { throw CallError("a layer is empty") }
        let numbers = try items.dropFirst().map { try $0.int("a layer's number") }
        switch (kind, numbers.count) {
        case ("fc", 1): self = .fc(units: numbers[0])
        case ("conv", 3): self = .conv(filters: numbers[0], size: numbers[1], pad: numbers[2])
        case ("relu", 0): self = .relu
        case ("maxPool", 1): self = .maxPool(size: numbers[0])
        default: throw CallError("a layer is fc(units), conv(filters, size, pad), relu or maxPool(size), not \(kind) with \(numbers.count) numbers")
        }
    }
}
