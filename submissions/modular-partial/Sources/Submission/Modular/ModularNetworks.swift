import ExerciseKit

/// Problems 4.3 and 4.4.5: networks built from your layers. Return a class conforming to
/// `ModularNetwork` (params by name "W1", "b1", …; scores(X); loss(X, y)).
extension Modular {
    public func twoLayerNet(inputDim: Int, hiddenDim: Int, numClasses: Int, weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        throw ExerciseError.notImplemented("twoLayerNet")
    }
    public func fullyConnectedNet(hiddenDims: [Int], inputDim: Int, numClasses: Int, dropoutKeep: Double, reg: Double,
                                  weightScale: Double, seed: UInt32) throws -> any ModularNetwork {
        throw ExerciseError.notImplemented("fullyConnectedNet")
    }
    public func threeLayerConvNet(inputDim: [Int], numFilters: Int, filterSize: Int, hiddenDim: Int, numClasses: Int,
                                  weightScale: Double, reg: Double, seed: UInt32) throws -> any ModularNetwork {
        throw ExerciseError.notImplemented("threeLayerConvNet")
    }
}
