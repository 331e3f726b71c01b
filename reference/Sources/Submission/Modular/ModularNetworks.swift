import ExerciseKit

/// The modular exercise's networks, built from the layer functions above.
extension Modular {
    public func twoLayerNet(inputDim: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try FullyConnectedNet(hiddenDims: [hiddenDim], inputDim: inputDim, numClasses: numClasses, dropoutKeep: 1, reg: reg,
                              weightScale: weightScale, seed: seed)
    }

    public func fullyConnectedNet(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double,
                                  weightScale: Double, seed: UInt32) throws -> any ModularNetwork {
        try FullyConnectedNet(hiddenDims: hiddenDims, inputDim: inputDim, numClasses: numClasses, dropoutKeep: dropoutKeep, reg: reg,
                              weightScale: weightScale, seed: seed)
    }

    public func threeLayerConvNet(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int,
                                  weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        try ThreeLayerConvNet(inputDim: inputDim, numFilters: numFilters, filterSize: filterSize, hiddenDim: hiddenDim,
                              numClasses: numClasses, weightScale: weightScale, reg: reg, seed: seed)
    }
}

/// 0.5 · reg · Σ W² over the weights named `W…`, and their gradients' share.
private func regularize(_ loss: inout Double, _ grads: inout [String: Tensor], _ params: [String: Tensor], reg: Double) {
    guard reg != 0 else { return }
    for (name, w) in params where name.hasPrefix("W") {
        loss += 0.5 * reg * w.scalars.reduce(0) { $0 + $1 * $1 }
        grads[name] = grads[name].map { $0 + reg * w } ?? reg * w
    }
}

final class FullyConnectedNet: ModularNetwork {
    var params: [String: Tensor] = [:]
    let layerCount: Int
    let dropoutKeep: Double, reg: Double, seed: UInt32
    private let layers = Modular()

    init(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double, weightScale: Double, seed: UInt32) throws {
        let sizes = [inputDim] + hiddenDims + [numClasses]
        guard sizes.allSatisfy({ $0 > 0 }), dropoutKeep > 0, dropoutKeep <= 1 else {
            throw ExerciseError.invalidShape("fullyConnectedNet: sizes \(sizes), dropoutKeep \(dropoutKeep)")
        }
        (layerCount, self.dropoutKeep, self.reg, self.seed) = (sizes.count - 1, dropoutKeep, reg, seed)
        let random = RandomSource(seed: seed)
        for layer in 1...layerCount {
            params["W\(layer)"] = random.normal(shape: [sizes[layer - 1], sizes[layer]], standardDeviation: weightScale)
            params["b\(layer)"] = Tensor(zeros: [sizes[layer]])
        }
    }

    private func forward(_ x: Tensor, training: Bool) throws -> (scores: Tensor, caches: [(LayerCache, LayerCache?)]) {
        var h = x
        var caches: [(LayerCache, LayerCache?)] = []
        for layer in 1..<layerCount {
            let (out, cache) = try layers.affineReluForward(h, params["W\(layer)"]!, params["b\(layer)"]!)
            h = out
            var dropoutCache: LayerCache?
            if dropoutKeep < 1 {
                let mode: DropoutParameters.Mode = training ? .train : .test
                (h, dropoutCache) = try layers.dropoutForward(h, DropoutParameters(keepProbability: dropoutKeep, mode: mode, seed: seed))
            }
            caches.append((cache, dropoutCache))
        }
        let (scores, cache) = try layers.affineForward(h, params["W\(layerCount)"]!, params["b\(layerCount)"]!)
        caches.append((cache, nil))
        return (scores, caches)
    }

    func scores(_ x: Tensor) throws -> Tensor { try forward(x, training: false).scores }

    func loss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, grads: [String: Tensor]) {
        let (scores, caches) = try forward(x, training: true)
        var (loss, dout) = try layers.softmaxLoss(scores, y)
        var grads: [String: Tensor] = [:]
        var (dx, dw, db) = try layers.affineBackward(dout, caches[layerCount - 1].0)
        (grads["W\(layerCount)"], grads["b\(layerCount)"]) = (dw, db)
        for layer in stride(from: layerCount - 1, through: 1, by: -1) {
            dout = dx
            if let dropoutCache = caches[layer - 1].1 { dout = try layers.dropoutBackward(dout, dropoutCache) }
            (dx, dw, db) = try layers.affineReluBackward(dout, caches[layer - 1].0)
            (grads["W\(layer)"], grads["b\(layer)"]) = (dw, db)
        }
        regularize(&loss, &grads, params, reg: reg)
        return (loss, grads)
    }
}

final class ThreeLayerConvNet: ModularNetwork {
    var params: [String: Tensor] = [:]
    let reg: Double
    let convParameters: ConvParameters
    let poolParameters = PoolParameters(poolHeight: 2, poolWidth: 2, stride: 2)
    private let layers = Modular()

    init(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws {
        guard inputDim.count == 3, inputDim.allSatisfy({ $0 > 0 }), numFilters > 0, filterSize > 0, hiddenDim > 0, numClasses > 0 else {
            throw ExerciseError.invalidShape("threeLayerConvNet: inputDim \(inputDim) is not (C, H, W), or a size is not positive")
        }
        let (c, h, w) = (inputDim[0], inputDim[1], inputDim[2])
        self.reg = reg
        convParameters = ConvParameters(stride: 1, pad: (filterSize - 1) / 2)
        let random = RandomSource(seed: seed)
        params["W1"] = random.normal(shape: [numFilters, c, filterSize, filterSize], standardDeviation: weightScale)
        params["b1"] = Tensor(zeros: [numFilters])
        params["W2"] = random.normal(shape: [numFilters * (h / 2) * (w / 2), hiddenDim], standardDeviation: weightScale)
        params["b2"] = Tensor(zeros: [hiddenDim])
        params["W3"] = random.normal(shape: [hiddenDim, numClasses], standardDeviation: weightScale)
        params["b3"] = Tensor(zeros: [numClasses])
    }

    private func forward(_ x: Tensor) throws -> (Tensor, LayerCache, LayerCache, LayerCache, LayerCache, LayerCache) {
        let (conv, convCache) = try layers.convForwardNaive(x, params["W1"]!, params["b1"]!, convParameters)
        let (relu, reluCache) = try layers.reluForward(conv)
        let (pool, poolCache) = try layers.maxPoolForwardNaive(relu, poolParameters)
        let (hidden, hiddenCache) = try layers.affineReluForward(pool, params["W2"]!, params["b2"]!)
        let (scores, scoresCache) = try layers.affineForward(hidden, params["W3"]!, params["b3"]!)
        return (scores, convCache, reluCache, poolCache, hiddenCache, scoresCache)
    }

    func scores(_ x: Tensor) throws -> Tensor { try forward(x).0 }

    func loss(_ x: Tensor, _ y: [Int]) throws -> (loss: Double, grads: [String: Tensor]) {
        let (scores, convCache, reluCache, poolCache, hiddenCache, scoresCache) = try forward(x)
        let (dataLoss, dscores) = try layers.softmaxLoss(scores, y)
        var loss = dataLoss
        var grads: [String: Tensor] = [:]
        let (dhidden, dw3, db3) = try layers.affineBackward(dscores, scoresCache)
        let (dpool, dw2, db2) = try layers.affineReluBackward(dhidden, hiddenCache)
        let drelu = try layers.maxPoolBackwardNaive(dpool, poolCache)
        let dconv = try layers.reluBackward(drelu, reluCache)
        let (_, dw1, db1) = try layers.convBackwardNaive(dconv, convCache)
        (grads["W1"], grads["b1"], grads["W2"], grads["b2"], grads["W3"], grads["b3"]) = (dw1, db1, dw2, db2, dw3, db3)
        regularize(&loss, &grads, params, reg: reg)
        return (loss, grads)
    }
}
