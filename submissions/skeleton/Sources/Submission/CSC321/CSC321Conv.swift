import ExerciseKit

/// The convolution layer, two ways. Method 1: one dot product of the kernel with every input
/// patch. Method 2: `CSC321Given.convolve(_:_:mode:)` (a true convolution: it flips the kernel),
/// three times: the forward, dx and dw.
extension CSC321 {
    func convForward(_ x: Tensor, _ w: Tensor, _ b: Tensor, pad: Int, method: ConvMethod) throws -> Tensor {
        throw ExerciseError.notImplemented("convForward (method \(method.rawValue))")
    }
    func convBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor, pad: Int, method: ConvMethod) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        throw ExerciseError.notImplemented("convBackward (method \(method.rawValue))")
    }
}
