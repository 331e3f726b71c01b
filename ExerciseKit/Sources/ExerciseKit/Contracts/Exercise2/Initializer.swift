/// Creates the initial values of a weight or bias tensor (exercise 2, `Initializers.py`).
///
/// The four initializers of the exercise: `Constant(value = 0.1)` fills with one value;
/// `UniformRandom` draws from U[0, 1); `Xavier` from N(0, σ) with σ = √(2 / (fanIn + fanOut));
/// `He` from N(0, σ) with σ = √(2 / fanIn).
///
/// # Implementation requirements
/// - Return a tensor of exactly `weightsShape`.
/// - Draw random values from ``RandomSource/shared`` so a seeded check reproduces them.
/// - `fanIn` is the number of inputs of one output unit (FC: input size; Conv: C·m·n);
///   `fanOut` is the number of outputs one input reaches (FC: output size; Conv: K·m·n).
///
/// The grader runs, for every initializer (here He, seeded with 1337):
///
///     let w = try He().initialize(weightsShape: [400, 400], fanIn: 400, fanOut: 400)
///     #expect(w.shape == [400, 400])
///     // Kolmogorov–Smirnov test of the 160,000 values against N(0, √(2/400)): p > 0.01
public protocol Initializer: AnyObject {
    /// A tensor of `weightsShape` with the initial values.
    func initialize(weightsShape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor
}
