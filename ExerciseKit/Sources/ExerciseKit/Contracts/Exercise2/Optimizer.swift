/// Computes updated weights from the current weights and their gradient (`Optimizers.py`).
///
/// - `Sgd(learningRate)`: w − η·g.
/// - `SgdWithMomentum(learningRate, momentumRate)`: v ← μ·v − η·g, then w + v (v starts at 0).
/// - `Adam(learningRate, mu, rho)` (Kingma & Ba 2015): v ← μ·v + (1−μ)·g, r ← ρ·r + (1−ρ)·g²,
///   bias-corrected v̂ = v/(1−μᵏ), r̂ = r/(1−ρᵏ), then w − η·v̂/(√r̂ + ε) with **ε = 1e-8 added
///   after the square root**; k counts the calls, starting at 1.
///
/// # Implementation requirements
/// - Keep state (velocity, moments, step count) per optimizer object: one object serves one
///   tensor. Layers that own two tensors (weights and bias) use two copies.
/// - ``copy()`` returns a new, independent object with the same hyperparameters and fresh
///   state; `NeuralNetwork.appendLayer` gives every trainable layer its own copy.
/// - Work for any tensor shape, including scalars (shape `[]`).
///
/// The grader runs, among others:
///
///     let adam = Adam(learningRate: 1, mu: 0.01, rho: 0.02)
///     var w = try adam.calculateUpdate(weightTensor: Tensor(1), gradientTensor: Tensor(1))
///     w = try adam.calculateUpdate(weightTensor: w, gradientTensor: Tensor(0.5))
///     #expect(abs(w.scalar - (-0.9814473195614205)) < 1.5e-7)
public protocol Optimizer: AnyObject {
    /// The updated weights after one step with `gradientTensor`.
    func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor
    /// An independent optimizer with the same hyperparameters and no accumulated state.
    func copy() -> any Optimizer
}
