/// The modular exercise's update rules: `rule(w, dw, config) → (nextW, config)`. The returned
/// config carries the rule's state (velocity, cache, m, v, t) into the next call; the first call
/// finds it nil (0 for t) and starts from zeros.
///
/// | rule | update |
/// |---|---|
/// | sgd | w − α·dw |
/// | sgdMomentum | v ← μ·v − α·dw; w + v |
/// | rmsprop | c ← γ·c + (1 − γ)·dw²; w − α·dw / (√c + ε) |
/// | adam | t ← t + 1; m ← β1·m + (1 − β1)·dw; v ← β2·v + (1 − β2)·dw²; w − α·m̂ / (√v̂ + ε), m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ) |
public protocol UpdateRules {
    func sgd(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig)
    func sgdMomentum(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig)
    func rmsprop(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig)
    func adam(_ w: Tensor, _ dw: Tensor, _ config: UpdateConfig) throws -> (nextW: Tensor, config: UpdateConfig)
}

/// An update rule's hyperparameters (the assignment's defaults) and state.
public struct UpdateConfig: Equatable, Sendable {
    /// α (the assignment: 1e-2 for sgd and sgdMomentum, 1e-3 for rmsprop and adam).
    public var learningRate: Double
    /// μ of sgdMomentum.
    public var momentum = 0.9
    /// γ of rmsprop.
    public var decayRate = 0.99
    /// ε of rmsprop and adam.
    public var epsilon = 1e-8
    public var beta1 = 0.9
    public var beta2 = 0.999
    /// sgdMomentum's v.
    public var velocity: Tensor?
    /// rmsprop's moving average of dw².
    public var cache: Tensor?
    /// adam's moments and step count.
    public var m: Tensor?
    public var v: Tensor?
    public var t = 0

    public init(learningRate: Double) { self.learningRate = learningRate }
}
