/// The modular exercise's networks. Parameters are named as in the assignment: `W1`, `b1`, `W2`,
/// … (weights (D, M), biases (M)); the convolutional network's `W1` is (F, C, HH, WW).
///
/// - `twoLayerNet`: affine – ReLU – affine – softmax.
/// - `fullyConnectedNet`: {affine – ReLU [– dropout]} × (L − 1) – affine – softmax, with one
///   hidden layer per entry of `hiddenDims`. `dropoutKeep` is the keep probability; 1 means no
///   dropout at all.
/// - `threeLayerConvNet`: conv (F filters of filterSize², stride 1, pad (filterSize − 1)/2) –
///   ReLU – 2×2 max pool, stride 2 – affine – ReLU – affine – softmax; input (C, H, W).
///
/// Weights start as `weightScale` · N(0, 1) drawn from `RandomSource(seed: seed)`, biases at 0.
/// With dropout, every `loss` call uses masks drawn from `seed` (so gradient checks are exact).
/// The loss is the softmax loss averaged over the batch plus 0.5 · reg · Σ W² over the weights
/// (not the biases), and the gradients include the regularization's.
public protocol ModularNetworks {
    func twoLayerNet(inputDim: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork
    func fullyConnectedNet(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double,
                           weightScale: Double, seed: UInt32) throws -> any ModularNetwork
    func threeLayerConvNet(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int,
                           weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork
}

/// A network of the modular exercise: `loss(X, y)` of the assignment, split by whether y is given.
public protocol ModularNetwork: AnyObject {
    /// Every parameter by name; the grader reads and sets them (gradient checks, the solver).
    var params: [String: Tensor] { get set }
    /// Test mode (no dropout): the class scores, (N, C).
    func scores(_ x: Tensor) throws -> Tensor
    /// Training mode: the loss and the gradient of every parameter, by the parameter's name.
    func loss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, grads: [String: Tensor])
}
