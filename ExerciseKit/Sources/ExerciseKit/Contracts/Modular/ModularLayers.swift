/// The modular exercise's layers: each a forward that returns its output and a cache, and a
/// backward that takes the upstream gradient and that cache. Batches are on the first axis.
///
/// | function | inputs | outputs |
/// |---|---|---|
/// | affineForward | x (N, d1, …, dk), w (D, M) with D = d1⋯dk, b (M) | out (N, M) = x reshaped to (N, D) · w + b |
/// | affineBackward | dout (N, M), cache | dx (x's shape), dw (D, M), db (M) |
/// | reluForward / reluBackward | any shape | same shape; dx = dout where x > 0, else 0 |
/// | affineReluForward / Backward | as affine | relu(affine(x)); the sandwich of the two |
/// | dropoutForward / Backward | x any shape, ``DropoutParameters`` | inverted dropout (see there) |
/// | convForwardNaive | x (N, C, H, W), w (F, C, HH, WW), b (F), ``ConvParameters`` | out (N, F, H′, W′), H′ = 1 + (H + 2·pad − HH)/stride |
/// | convBackwardNaive | dout (N, F, H′, W′), cache | dx, dw, db of x's, w's and b's shapes |
/// | maxPoolForwardNaive | x (N, C, H, W), ``PoolParameters`` | out (N, C, H′, W′), H′ = 1 + (H − poolHeight)/stride |
/// | maxPoolBackwardNaive | dout, cache | dx (x's shape): each window's gradient to its maximum |
/// | softmaxLoss, svmLoss | scores (N, C), labels y (N) | mean loss over N, dscores (N, C) |
///
/// A cache is whatever your backward needs (``LayerCache``): the grader hands it back untouched.
/// The convolution correlates (the kernel is not flipped), zero-pads `pad` on every side.
/// `softmaxLoss` and `svmLoss` come working in the skeleton; they are graded as diagnostics only.
public protocol ModularLayers {
    func affineForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache)
    func affineBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor)
    func reluForward(_ x: Tensor) throws -> (out: Tensor, cache: LayerCache)
    func reluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor
    func affineReluForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> (out: Tensor, cache: LayerCache)
    func affineReluBackward(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor)
    func dropoutForward(_ x: Tensor, _ parameters: DropoutParameters) throws -> (out: Tensor, cache: LayerCache)
    func dropoutBackward(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor
    func convForwardNaive(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ parameters: ConvParameters) throws -> (out: Tensor, cache: LayerCache)
    func convBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor)
    func maxPoolForwardNaive(_ x: Tensor, _ parameters: PoolParameters) throws -> (out: Tensor, cache: LayerCache)
    func maxPoolBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor
    func softmaxLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor)
    func svmLoss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, dx: Tensor)
}

/// Inverted dropout. **`keepProbability` is the probability of keeping a unit** (as the
/// assignment's pseudo-code computes `mask = (rand < p) / p`, whatever its prose says).
/// - `.train`: each unit is kept with probability p and scaled by 1/p (zero otherwise), so the
///   expected output equals the input; backward multiplies by the same mask.
/// - `.test`: the identity, forward and backward.
/// - `seed`: when set, the mask is drawn from `RandomSource(seed:)`, so two calls with the same
///   seed drop the same units (gradient checks need that); otherwise from `RandomSource.shared`.
public struct DropoutParameters: Equatable, Sendable {
    public enum Mode: String, Sendable { case train, test }
    public var keepProbability: Double
    public var mode: Mode
    public var seed: UInt32?

    public init(keepProbability: Double, mode: Mode, seed: UInt32? = nil) {
        self.keepProbability = keepProbability
        self.mode = mode
        self.seed = seed
    }
}

/// A convolution's stride and zero padding (the same on both spatial axes).
public struct ConvParameters: Equatable, Sendable {
    public var stride: Int
    public var pad: Int
    public init(stride: Int, pad: Int) {
        self.stride = stride
        self.pad = pad
    }
}

/// A max pooling's window and stride.
public struct PoolParameters: Equatable, Sendable {
    public var poolHeight: Int
    public var poolWidth: Int
    public var stride: Int
    public init(poolHeight: Int, poolWidth: Int, stride: Int) {
        self.poolHeight = poolHeight
        self.poolWidth = poolWidth
        self.stride = stride
    }
}
