/// The functional exercise (UMN CSCI 5561 hw5): ten functions with the handout's exact shapes.
///
/// Column vectors are 2-d tensors with one column. Images are (H, W, C), row-major, so a
/// 14×14 image is `x.reshaped([14, 14, 1])` of a 196×1 column.
///
/// | function | inputs | outputs |
/// |---|---|---|
/// | getMiniBatch | imTrain 196×N, labelTrain 1×N (class ids) | batches of 196×B images and 10×B one-hot labels |
/// | fc | x m×1, w n×m, b n×1 | y = wx + b, n×1 |
/// | fcBackward | dlDy n×1, x, w, b | dlDx m×1, dlDw n×m, dlDb n×1 |
/// | lossCrossEntropySoftmax | x m×1, y one-hot m×1 | l = −Σ y log softmax(x), dlDx m×1 |
/// | relu / reluBackward | any shape | same shape; gradient 0 where x ≤ 0 |
/// | conv | x H×W×C1, w h×w×C1×C2, b C2×1 | y H×W×C2 (zero padding, stride 1) |
/// | convBackward | dlDy H×W×C2, x, w, b | dlDw h×w×C1×C2, dlDb C2×1 |
/// | pool2x2 / pool2x2Backward | H×W×C | H/2×W/2×C; dlDx H×W×C to the max of each window |
///
/// # Implementation requirements
/// - `getMiniBatch` shuffles with ``RandomSource/shared``, covers every sample exactly once,
///   and makes the last batch smaller when N is not a multiple of B.
/// - Subtract the maximum before `exp` in the softmax: inputs of 1000 must not give NaN.
/// - `conv` and `convBackward` must agree on the kernel orientation (correlation is what
///   im2col computes and what the grader's reference uses).
public protocol FunctionalExercise {
    func getMiniBatch(imTrain: Tensor, labelTrain: Tensor, batchSize: Int) throws
        -> (images: [Tensor], labels: [Tensor])
    func fc(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor
    func fcBackward(dlDy: Tensor, x: Tensor, w: Tensor, b: Tensor) throws
        -> (dlDx: Tensor, dlDw: Tensor, dlDb: Tensor)
    func lossCrossEntropySoftmax(x: Tensor, y: Tensor) throws -> (loss: Double, dlDx: Tensor)
    func relu(_ x: Tensor) throws -> Tensor
    func reluBackward(dlDy: Tensor, x: Tensor) throws -> Tensor
    func conv(x: Tensor, wConv: Tensor, bConv: Tensor) throws -> Tensor
    func convBackward(dlDy: Tensor, x: Tensor, wConv: Tensor, bConv: Tensor) throws
        -> (dlDw: Tensor, dlDb: Tensor)
    func pool2x2(_ x: Tensor) throws -> Tensor
    func pool2x2Backward(dlDy: Tensor, x: Tensor) throws -> Tensor
}
