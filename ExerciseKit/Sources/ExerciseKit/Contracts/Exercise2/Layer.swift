/// A layer of a network: `forward` maps a batch, `backward` maps the error back (`Base.py`).
///
/// Layouts: the first axis is the batch. Fully connected: (b, features). Conv and pooling:
/// (b, c, y) in 1-D and (b, c, y, x) in 2-D.
///
/// # Implementation requirements
/// - `forward` stores what `backward` needs (the input, a mask, argmax positions) and does not
///   mutate its input; calling `forward` again replaces that state (gradient checks call
///   `forward` many times on the same object).
/// - `backward(error)` returns the error with the shape of the last `forward`'s input; a
///   trainable layer also computes its gradients there and, when an optimizer is set,
///   updates its weights *after* computing the error for the layer below.
///
/// The grader runs, for Flatten:
///
///     let x = Tensor.arange(shape: [9, 3, 4, 11])
///     let y = try layer.forward(x)                  // shape [9, 132], same order
///     #expect(try layer.backward(y) == x)
public protocol Layer: AnyObject {
    /// Whether the layer has weights an optimizer updates.
    var trainable: Bool { get }
    /// The layer's output for an input batch.
    func forward(_ inputTensor: Tensor) throws -> Tensor
    /// The error for the layer below, from the error of this layer's output.
    func backward(_ errorTensor: Tensor) throws -> Tensor
}

/// A layer with weights: fully connected and convolution layers.
///
/// # Implementation requirements
/// - `weights` and (for Conv) `bias` are settable: gradient checks assign perturbed copies and
///   expect the next `forward` to use them.
/// - `gradientWeights` has the shape of `weights` and holds dL/dW of the last `backward`.
/// - `initialize` calls the initializers with the exercise's fan-in and fan-out (see
///   ``Initializer``) and replaces the weights (and bias).
/// - With `optimizer == nil`, `backward` computes gradients but does not update.
public protocol TrainableLayer: Layer {
    /// The weights; FullyConnected keeps the bias as the last row: shape (input + 1, output).
    var weights: Tensor { get set }
    /// dL/dweights from the last backward pass, same shape as ``weights``.
    var gradientWeights: Tensor { get }
    /// Updates the weights in `backward` when set; a layer copies it for a second tensor.
    var optimizer: (any Optimizer)? { get set }
    /// Re-initialises the parameters with the given initializers.
    func initialize(weightsInitializer: any Initializer, biasInitializer: any Initializer) throws
}

/// `FullyConnected(inputSize, outputSize)`: y = [x, 1]·W with W of shape (input + 1, output).
///
/// The bias is the last row of ``TrainableLayer/weights``; `backward` returns dL/dx without the
/// bias column, shape (b, inputSize). The constructor initialises W uniformly in [0, 1), so a
/// fresh layer has a positive bias. `initialize` draws the first `inputSize` rows from the
/// weights initializer (fanIn = inputSize, fanOut = outputSize) and the bias row from the bias
/// initializer.
public protocol FullyConnectedLayer: TrainableLayer {}

/// `Conv(strideShape, convolutionShape, numKernels)`: a bank of K filters, correlation with
/// zero "same" padding, subsampled by the stride.
///
/// - `convolutionShape` is [c, m] (1-D) or [c, m, n] (2-D); `weights` has shape (K, c, m[, n]),
///   `bias` (K).
/// - Input (b, c, y[, x]) gives output (b, K, ⌈y/sy⌉[, ⌈x/sx⌉]): m−1 zeros in all per axis, so
///   the output keeps the input's size. For an even kernel size m, either placement is "same":
///   m/2 before and m/2−1 after (scipy.signal.correlate(mode='same'), the reference's choice) or
///   m/2−1 before and m/2 after. The grader accepts both; use one consistently in forward and
///   backward.
/// - out[b, k, i, j] = bias[k] + Σ_{c,u,v} w[k, c, u, v] · xpad[b, c, i·sy + u, j·sx + v].
/// - fanIn = c·m·n, fanOut = K·m·n; the constructor initialises weights and bias in U[0, 1).
/// - `gradientWeights` (K, c, m[, n]) and `gradientBias` (K) sum over the batch; with an
///   optimizer set, weights and bias are updated by two separate optimizer copies.
public protocol ConvLayer: TrainableLayer {
    /// The bias, one value per kernel: shape (K).
    var bias: Tensor { get set }
    /// dL/dbias from the last backward pass, shape (K).
    var gradientBias: Tensor { get }
}

/// `Pooling(strideShape, poolingShape)`: 2-D max pooling with "valid" padding.
///
/// Output size per axis: ⌊(size − pool) / stride⌋ + 1. `backward` routes each error to the
/// position of its window's maximum (the first one on ties) and adds where windows overlap.
public protocol PoolingLayer: Layer {}
