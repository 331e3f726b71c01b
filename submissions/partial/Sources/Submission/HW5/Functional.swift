import ExerciseKit

/// The hw5 functions; shapes as in ExerciseKit/README.md ("The functional exercise").
public struct Functional: FunctionalExercise {
    public init() {}
    public func getMiniBatch(imTrain: Tensor, labelTrain: Tensor, batchSize: Int) throws -> (images: [Tensor], labels: [Tensor]) {
        throw ExerciseError.notImplemented("getMiniBatch")
    }
    public func fc(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("fc")
    }
    public func fcBackward(dlDy: Tensor, x: Tensor, w: Tensor, b: Tensor) throws -> (dlDx: Tensor, dlDw: Tensor, dlDb: Tensor) {
        throw ExerciseError.notImplemented("fcBackward")
    }
    public func lossCrossEntropySoftmax(x: Tensor, y: Tensor) throws -> (loss: Double, dlDx: Tensor) {
        throw ExerciseError.notImplemented("lossCrossEntropySoftmax")
    }
    public func relu(_ x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("relu")
    }
    public func reluBackward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("reluBackward")
    }
    public func conv(x: Tensor, wConv: Tensor, bConv: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("conv")
    }
    public func convBackward(dlDy: Tensor, x: Tensor, wConv: Tensor, bConv: Tensor) throws -> (dlDw: Tensor, dlDb: Tensor) {
        throw ExerciseError.notImplemented("convBackward")
    }
    public func pool2x2(_ x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("pool2x2")
    }
    public func pool2x2Backward(dlDy: Tensor, x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("pool2x2Backward")
    }
}
