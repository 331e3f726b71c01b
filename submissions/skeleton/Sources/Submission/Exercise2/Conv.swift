import ExerciseKit

/// K filters, correlation with zero "same" padding, subsampled by the stride.
public final class Conv: ConvLayer {
    public let trainable = true
    public let strideShape: [Int]
    public let convolutionShape: [Int]
    public let numKernels: Int
    public var weights: Tensor
    public var bias: Tensor
    public var gradientWeights: Tensor
    public var gradientBias: Tensor
    public var optimizer: (any Optimizer)?

    public init(strideShape: [Int], convolutionShape: [Int], numKernels: Int) {
        self.strideShape = strideShape
        self.convolutionShape = convolutionShape
        self.numKernels = numKernels
        weights = Tensor(zeros: [numKernels] + convolutionShape)  // TODO: uniform in [0, 1)
        bias = Tensor(zeros: [numKernels])
        gradientWeights = Tensor(zeros: [numKernels] + convolutionShape)
        gradientBias = Tensor(zeros: [numKernels])
    }
    public func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        throw ExerciseError.notImplemented("Conv.initialize")
    }
    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Conv.forward")
    }
    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("Conv.backward")
    }
}
