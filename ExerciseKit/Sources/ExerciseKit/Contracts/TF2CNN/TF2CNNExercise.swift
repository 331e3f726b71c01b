/// The TF2 CNN assignment's checkable parts: counting a Keras-style architecture's free
/// parameters and output shapes, writing the given architecture of question 1.1 as layers, and
/// designing a shallow network that the grader trains on 14×14 MNIST (the original trains Keras
/// models; here the architecture is the submission, the training is the grader's).
///
/// Shapes are Keras's, channels last: an image is (height, width, channels); a dense layer's
/// output is (units). A `"valid"` convolution of size k gives (h − k + 1, w − k + 1, filters); a
/// `"same"` one keeps (h, w) (stride 1). Pooling is non-overlapping, (h / size, w / size, c),
/// rounding down.
///
///     struct TF2CNN: TF2CNNExercise { … }
///     registry.register(TF2CNN())
public protocol TF2CNNExercise: CallableContract {
    /// Keras's "Param #" of each layer on an input of `input` (height, width, channels).
    func parameterCounts(_ layers: [KerasLayer], input: [Int]) throws -> [Int]
    /// Each layer's output shape, without the batch axis.
    func outputShapes(_ layers: [KerasLayer], input: [Int]) throws -> [[Int]]
    /// Question 1.1's architecture for 28×28×1 images, as its figure draws it: a 5×5 convolution
    /// of 32 filters, 2×2 max pooling, a 5×5 convolution of 64 filters, 2×2 max pooling, flatten,
    /// dense 1024 (ReLU), dense 10 (softmax). The figure does not say the padding: choose one and
    /// say so in the layers (either is accepted; the feedback names the one you chose).
    func questionOneOne() throws -> [KerasLayer]
    /// Your shallow network for 14×14×1 MNIST images (at most two layers with weights before the
    /// last dense 10): the grader trains it and scores its test accuracy and its parameter count.
    func shallowNetwork() throws -> [KerasLayer]
}

/// A Keras layer as the assignment uses them.
public enum KerasLayer: Equatable, Sendable {
    public enum Padding: String, Sendable { case valid, same }
    public enum Activation: String, Sendable { case relu, softmax, linear }

    case conv2D(filters: Int, kernel: Int, padding: Padding, activation: Activation)
    case maxPooling2D(size: Int)
    case flatten
    case dense(units: Int, activation: Activation)
}

extension TF2CNNExercise {
    public static var contractName: String { "TF2CNN" }

    public func call(_ method: String, _ a: [ExerciseValue]) throws -> ExerciseValue {
        func layers(_ i: Int) throws -> [KerasLayer] { try a.argument(i, of: method).list("the layers").map(KerasLayer.init) }
        func input(_ i: Int) throws -> [Int] { try a.argument(i, of: method).ints("the input shape") }
        switch method {
        case "parameterCounts": return .ints(try parameterCounts(try layers(0), input: try input(1)))
        case "outputShapes": return .list(try outputShapes(try layers(0), input: try input(1)).map { .ints($0) })
        case "questionOneOne": return .list(try questionOneOne().map(\.exerciseValue))
        case "shallowNetwork": return .list(try shallowNetwork().map(\.exerciseValue))
        default: throw CallError("the TF2 CNN exercise has no function \(method)")
        }
    }
}

// MARK: How a layer travels

extension KerasLayer {
    /// ["conv2D", filters, kernel, padding, activation], ["maxPooling2D", size], ["flatten"], ["dense", units, activation].
    public var exerciseValue: ExerciseValue {
        switch self {
        case .conv2D(let filters, let kernel, let padding, let activation):
            return .list([.string("conv2D"), .int(filters), .int(kernel), .string(padding.rawValue), .string(activation.rawValue)])
        case .maxPooling2D(let size): return .list([.string("maxPooling2D"), .int(size)])
        case .flatten: return .list([.string("flatten")])
        case .dense(let units, let activation): return .list([.string("dense"), .int(units), .string(activation.rawValue)])
        }
    }

    public init(_ value: ExerciseValue) throws {
        let items = try value.list("a layer")
        guard let kind = try items.first?.string("a layer's kind") else { throw CallError("a layer is empty") }
        func activation(_ i: Int) throws -> Activation {
            guard let activation = Activation(rawValue: try items[i].string("an activation")) else { throw CallError("an activation is relu, softmax or linear") }
            return activation
        }
        switch (kind, items.count) {
        case ("conv2D", 5):
            guard let padding = Padding(rawValue: try items[3].string("a padding")) else { throw CallError("a padding is valid or same") }
            self = .conv2D(filters: try items[1].int("filters"), kernel: try items[2].int("kernel"), padding: padding, activation: try activation(4))
        case ("maxPooling2D", 2): self = .maxPooling2D(size: try items[1].int("the pool size"))
        case ("flatten", 1): self = .flatten
        case ("dense", 3): self = .dense(units: try items[1].int("units"), activation: try activation(2))
        default: throw CallError("a layer is conv2D, maxPooling2D, flatten or dense with its numbers, not \(kind) with \(items.count - 1) values")
        }
    }
}
