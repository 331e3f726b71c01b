import ExerciseKit

/// A bank of K filters: correlation with zero "same" padding, subsampled by the stride.
///
/// 1-D inputs (b, c, y) are handled as 2-D (b, c, y, 1) with a 1-wide kernel.
public final class Conv: ConvLayer {
    public let trainable = true
    public let strideShape: [Int]
    public let convolutionShape: [Int]
    public let numKernels: Int
    public var weights: Tensor
    public var bias: Tensor
    public private(set) var gradientWeights: Tensor
    public private(set) var gradientBias: Tensor
    public var optimizer: (any Optimizer)? {
        didSet { biasOptimizer = optimizer?.copy() }
    }
    private var biasOptimizer: (any Optimizer)?
    private var input = Tensor(zeros: [0])

    /// - Parameters:
    ///   - strideShape: `[s]` (same on every axis) or `[sy]` / `[sy, sx]`.
    ///   - convolutionShape: `[c, m]` (1-D) or `[c, m, n]` (2-D).
    public init(strideShape: [Int], convolutionShape: [Int], numKernels: Int) {
        precondition(convolutionShape.count == 2 || convolutionShape.count == 3,
                     "convolutionShape must be [c, m] or [c, m, n], got \(convolutionShape)")
        precondition(!strideShape.isEmpty && strideShape.allSatisfy { $0 > 0 }, "Strides must be positive")
        precondition(numKernels > 0, "The number of kernels must be positive")
        self.strideShape = strideShape
        self.convolutionShape = convolutionShape
        self.numKernels = numKernels
        weights = RandomSource.shared.uniform(shape: [numKernels] + convolutionShape)
        bias = RandomSource.shared.uniform(shape: [numKernels])
        gradientWeights = Tensor(zeros: [numKernels] + convolutionShape)
        gradientBias = Tensor(zeros: [numKernels])
    }

    private var isOneDimensional: Bool { convolutionShape.count == 2 }
    private var kernelHeight: Int { convolutionShape[1] }
    private var kernelWidth: Int { isOneDimensional ? 1 : convolutionShape[2] }
    private var strideY: Int { strideShape[0] }
    private var strideX: Int { isOneDimensional ? 1 : (strideShape.count > 1 ? strideShape[1] : strideShape[0]) }

    public func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws {
        let fanIn = convolutionShape.reduce(1, *)
        let fanOut = convolutionShape.dropFirst().reduce(1, *) * numKernels
        weights = try weightsInitializer.initialize(
            weightsShape: [numKernels] + convolutionShape, fanIn: fanIn, fanOut: fanOut)
        bias = try biasInitializer.initialize(weightsShape: [numKernels], fanIn: fanIn, fanOut: fanOut)
    }

    /// The geometry of one pass: sizes, padding before each axis, output sizes.
    private struct Geometry {
        let batch, channels, height, width, outHeight, outWidth, padTop, padLeft: Int
    }

    private func geometry(of input: Tensor) throws -> Geometry {
        let expectedRank = isOneDimensional ? 3 : 4
        guard input.rank == expectedRank, input.shape[1] == convolutionShape[0] else {
            throw ExerciseError.invalidShape(
                "Conv with kernels \(convolutionShape) expects (b, \(convolutionShape[0]), …) of rank \(expectedRank), got \(input.shape)")
        }
        let height = input.shape[2]
        let width = isOneDimensional ? 1 : input.shape[3]
        return Geometry(
            batch: input.shape[0], channels: input.shape[1], height: height, width: width,
            outHeight: (height + strideY - 1) / strideY, outWidth: (width + strideX - 1) / strideX,
            padTop: kernelHeight / 2, padLeft: kernelWidth / 2)
    }

    /// Output positions `o` whose input position `o·stride + k − pad` lies in `0..<size`.
    @inline(__always)
    private static func validOutputs(kernelOffset k: Int, pad: Int, stride: Int, size: Int, outSize: Int) -> Range<Int> {
        let shift = pad - k
        let low = shift > 0 ? (shift + stride - 1) / stride : 0
        let high = min(outSize, (size - 1 + shift) >= 0 ? (size - 1 + shift) / stride + 1 : 0)
        return low < high ? low..<high : 0..<0
    }

    public func forward(_ inputTensor: Tensor) throws -> Tensor {
        let g = try geometry(of: inputTensor)
        input = inputTensor
        let (kh, kw, sy, sx) = (kernelHeight, kernelWidth, strideY, strideX)
        let outPlane = g.outHeight * g.outWidth, inPlane = g.height * g.width
        var out = [Double](repeating: 0, count: g.batch * numKernels * outPlane)
        inputTensor.scalars.withUnsafeBufferPointer { x in
            weights.scalars.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { y in
                    for b in 0..<g.batch {
                        for k in 0..<numKernels {
                            let yBase = (b * numKernels + k) * outPlane
                            for i in 0..<outPlane { y[yBase + i] = bias.scalars[k] }
                            for c in 0..<g.channels {
                                let xBase = (b * g.channels + c) * inPlane
                                for u in 0..<kh {
                                    let rows = Conv.validOutputs(kernelOffset: u, pad: g.padTop, stride: sy, size: g.height, outSize: g.outHeight)
                                    for v in 0..<kw {
                                        let wv = w[((k * g.channels + c) * kh + u) * kw + v]
                                        let columns = Conv.validOutputs(kernelOffset: v, pad: g.padLeft, stride: sx, size: g.width, outSize: g.outWidth)
                                        for oy in rows {
                                            let xRow = xBase + (oy * sy + u - g.padTop) * g.width + v - g.padLeft
                                            let yRow = yBase + oy * g.outWidth
                                            for ox in columns { y[yRow + ox] += wv * x[xRow + ox * sx] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let spatial = isOneDimensional ? [g.outHeight] : [g.outHeight, g.outWidth]
        return Tensor(shape: [g.batch, numKernels] + spatial, scalars: out)
    }

    public func backward(_ errorTensor: Tensor) throws -> Tensor {
        let g = try geometry(of: input)
        let (kh, kw, sy, sx) = (kernelHeight, kernelWidth, strideY, strideX)
        let outPlane = g.outHeight * g.outWidth, inPlane = g.height * g.width
        guard errorTensor.count == g.batch * numKernels * outPlane else {
            throw ExerciseError.invalidShape("Conv.backward expected \(g.batch * numKernels * outPlane) values, got \(errorTensor.shape)")
        }
        var inputError = [Double](repeating: 0, count: input.count)
        var gradW = [Double](repeating: 0, count: weights.count)
        var gradB = [Double](repeating: 0, count: numKernels)
        input.scalars.withUnsafeBufferPointer { x in
            weights.scalars.withUnsafeBufferPointer { w in
                errorTensor.scalars.withUnsafeBufferPointer { e in
                    inputError.withUnsafeMutableBufferPointer { dx in
                        gradW.withUnsafeMutableBufferPointer { dw in
                            for b in 0..<g.batch {
                                for k in 0..<numKernels {
                                    let eBase = (b * numKernels + k) * outPlane
                                    for i in 0..<outPlane { gradB[k] += e[eBase + i] }
                                    for c in 0..<g.channels {
                                        let xBase = (b * g.channels + c) * inPlane
                                        for u in 0..<kh {
                                            let rows = Conv.validOutputs(kernelOffset: u, pad: g.padTop, stride: sy, size: g.height, outSize: g.outHeight)
                                            for v in 0..<kw {
                                                let wIndex = ((k * g.channels + c) * kh + u) * kw + v
                                                let wv = w[wIndex]
                                                let columns = Conv.validOutputs(kernelOffset: v, pad: g.padLeft, stride: sx, size: g.width, outSize: g.outWidth)
                                                var accumulated = 0.0
                                                for oy in rows {
                                                    let xRow = xBase + (oy * sy + u - g.padTop) * g.width + v - g.padLeft
                                                    let eRow = eBase + oy * g.outWidth
                                                    for ox in columns {
                                                        let error = e[eRow + ox]
                                                        dx[xRow + ox * sx] += wv * error
                                                        accumulated += error * x[xRow + ox * sx]
                                                    }
                                                }
                                                dw[wIndex] += accumulated
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        gradientWeights = Tensor(shape: weights.shape, scalars: gradW)
        gradientBias = Tensor(shape: bias.shape, scalars: gradB)
        if let optimizer {
            weights = try optimizer.calculateUpdate(weightTensor: weights, gradientTensor: gradientWeights)
            let biasStep = biasOptimizer ?? optimizer
            bias = try biasStep.calculateUpdate(weightTensor: bias, gradientTensor: gradientBias)
        }
        return Tensor(shape: input.shape, scalars: inputError)
    }
}
