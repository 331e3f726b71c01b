import ExerciseKit

/// Problems 4.4.1–4.4.4: naive convolution and max pooling on (N, C, H, W) batches.
extension Modular {
    public func convForwardNaive(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ parameters: ConvParameters) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("convForwardNaive")
    }
    public func convBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        throw ExerciseError.notImplemented("convBackwardNaive")
    }
    public func maxPoolForwardNaive(_ x: Tensor, _ parameters: PoolParameters) throws -> (out: Tensor, cache: LayerCache) {
        throw ExerciseError.notImplemented("maxPoolForwardNaive")
    }
    public func maxPoolBackwardNaive(_ dout: Tensor, _ cache: LayerCache) throws -> Tensor {
        throw ExerciseError.notImplemented("maxPoolBackwardNaive")
    }
}
