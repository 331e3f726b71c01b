/// What a submission implements, filled by its one entry point.
///
/// A submission defines, once (the skeleton's `Registration.swift`):
///
///     public func registerSubmission(_ registry: SubmissionRegistry) {
///         registry.sgd = { Sgd(learningRate: $0) }
///         registry.fullyConnected = { FullyConnected(inputSize: $0, outputSize: $1) }
///         ...
///     }
///
/// A factory left `nil` makes the checks that need it fail with "not registered", never the
/// build of the rest. The grader injects the C entry point that calls `registerSubmission`.
public final class SubmissionRegistry {
    // Initializers
    public var constant: ((_ value: Double) -> any Initializer)?
    public var uniformRandom: (() -> any Initializer)?
    public var xavier: (() -> any Initializer)?
    public var he: (() -> any Initializer)?
    // Optimizers
    public var sgd: ((_ learningRate: Double) -> any Optimizer)?
    public var sgdWithMomentum: ((_ learningRate: Double, _ momentumRate: Double) -> any Optimizer)?
    public var adam: ((_ learningRate: Double, _ mu: Double, _ rho: Double) -> any Optimizer)?
    // Layers
    public var flatten: (() -> any Layer)?
    public var fullyConnected: ((_ inputSize: Int, _ outputSize: Int) -> any FullyConnectedLayer)?
    public var reLU: (() -> any Layer)?
    public var softMax: (() -> any Layer)?
    /// `Conv(strideShape, convolutionShape, numKernels)`; a single stride value is `[s]`.
    public var conv: ((_ strideShape: [Int], _ convolutionShape: [Int], _ numKernels: Int) -> any ConvLayer)?
    public var pooling: ((_ strideShape: [Int], _ poolingShape: [Int]) -> any PoolingLayer)?
    // Loss and network
    public var crossEntropyLoss: (() -> any LossLayer)?
    public var neuralNetwork: ((
        _ optimizer: any Optimizer, _ weightsInitializer: any Initializer,
        _ biasInitializer: any Initializer) -> any NeuralNetworkModel)?
    // The functional exercise
    public var functional: (any FunctionalExercise)?
    /// Function-set contracts by name (``CallableContract``), e.g. the modular exercise.
    public private(set) var callables: [String: any CallableContract] = [:]

    public init() {}

    /// Registers a function-set contract under its name (`registry.register(MyModular())`).
    public func register<Contract: CallableContract>(_ functions: Contract) {
        callables[Contract.contractName] = functions
    }

    /// Registers a function set the grader made (its proxy for a worker's), under `name`.
    public func register(_ functions: any CallableContract, as name: String) {
        callables[name] = functions
    }

    /// The contracts with a field of their own (exercise 2 and hw5), in the order they are
    /// reported; every other contract is a function set (`register(_:)`).
    static let builtInFields: [(name: String, isSet: @Sendable (SubmissionRegistry) -> Bool)] = [
        ("Constant", { $0.constant != nil }), ("UniformRandom", { $0.uniformRandom != nil }),
        ("Xavier", { $0.xavier != nil }), ("He", { $0.he != nil }),
        ("Sgd", { $0.sgd != nil }), ("SgdWithMomentum", { $0.sgdWithMomentum != nil }), ("Adam", { $0.adam != nil }),
        ("Flatten", { $0.flatten != nil }), ("FullyConnected", { $0.fullyConnected != nil }),
        ("ReLU", { $0.reLU != nil }), ("SoftMax", { $0.softMax != nil }), ("Conv", { $0.conv != nil }),
        ("Pooling", { $0.pooling != nil }), ("CrossEntropyLoss", { $0.crossEntropyLoss != nil }),
        ("NeuralNetwork", { $0.neuralNetwork != nil }), ("Functional", { $0.functional != nil }),
    ]

    /// The names of the contracts with a field of their own: the grader's judge makes proxies of
    /// these by name, and of every other registered name as a function set.
    public static let builtInContracts: Set<String> = Set(builtInFields.map(\.name))

    /// The names of the contracts this registry provides, for the grader's interface check.
    public var registeredContracts: [String] {
        Self.builtInFields.filter { $0.isSet(self) }.map(\.name) + callables.keys.sorted()
    }
}

/// The version of the binary interface between the grader and a compiled submission.
///
/// Bump it whenever a contract or ``Tensor`` changes layout: a submission compiled against
/// another version is refused at load time (a changed `Tensor` crashed with SIGSEGV, measured).
public enum ExerciseKitABI {
    public static let version: Int32 = 2
    /// The C symbol the grader's injected entry point exports to register a submission.
    public static let registerSymbol = "exercisekit_register"
    /// The C symbol that returns the ABI version the submission was compiled against.
    public static let versionSymbol = "exercisekit_abi_version"
}
