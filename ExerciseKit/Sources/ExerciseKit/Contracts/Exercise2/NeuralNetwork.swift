/// A source of training batches; the grader provides it (Iris, 8x8 digits).
public protocol DataLayer: AnyObject {
    /// The next (input, one-hot label) batch; a new shuffle each epoch.
    func next() throws -> (input: Tensor, label: Tensor)
}

/// `NeuralNetwork(optimizer, weightsInitializer, biasInitializer)` (`NeuralNetwork.py`).
///
/// # Implementation requirements
/// - `appendLayer` on a trainable layer gives it **its own copy** of the optimizer
///   (``Optimizer/copy()``) and calls `initialize` with the network's initializers.
/// - `forward()` takes the next batch from `dataLayer`, runs every layer and returns the loss
///   from `lossLayer`; `backward()` runs the loss's and then every layer's backward pass.
/// - `train(iterations:)` repeats forward and backward and appends each loss to ``loss``.
/// - `test(_:)` runs the layers (not the loss) on an input and returns the last layer's output.
public protocol NeuralNetworkModel: AnyObject {
    /// The layers in order.
    var layers: [any Layer] { get }
    /// Where `forward()` takes its batches from.
    var dataLayer: (any DataLayer)? { get set }
    /// The loss at the end.
    var lossLayer: (any LossLayer)? { get set }
    /// The loss of every training iteration so far.
    var loss: [Double] { get }
    /// Appends a layer, initialising trainable ones and giving them an optimizer copy.
    func appendLayer(_ layer: any Layer) throws
    /// One forward pass on the next batch; returns its loss.
    func forward() throws -> Double
    /// One backward pass for the last forward.
    func backward() throws
    /// `iterations` forward and backward passes, recording each loss.
    func train(iterations: Int) throws
    /// The network's output (e.g. class probabilities) for an input batch.
    func test(_ inputTensor: Tensor) throws -> Tensor
}
