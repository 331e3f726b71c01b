import ExerciseKit

/// CSC321 assignment 2: implement every layer's forward and backward (see the protocol's
/// documentation in ExerciseKit for the shapes), and count a config's parameters and connections.
struct CSC321: CSC321Exercise {
    func fcForward(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("fcForward")
    }
    func fcBackward(_ dy: Tensor, _ x: Tensor, _ w: Tensor) throws -> (dx: Tensor, dw: Tensor, db: Tensor) {
        throw ExerciseError.notImplemented("fcBackward")
    }
    func reluForward(_ x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("reluForward")
    }
    func reluBackward(_ dy: Tensor, _ x: Tensor) throws -> Tensor {
        throw ExerciseError.notImplemented("reluBackward")
    }
    func softmaxCrossEntropy(_ scores: Tensor, _ labels: [Int]) throws -> (loss: Double, dScores: Tensor) {
        throw ExerciseError.notImplemented("softmaxCrossEntropy")
    }
    func maxPoolForward(_ x: Tensor, size: Int) throws -> Tensor {
        throw ExerciseError.notImplemented("maxPoolForward")
    }
    func maxPoolBackward(_ dy: Tensor, _ x: Tensor, size: Int) throws -> Tensor {
        throw ExerciseError.notImplemented("maxPoolBackward")
    }
    func layerCounts(_ layers: [CSC321Layer], input: [Int]) throws -> [LayerCount] {
        throw ExerciseError.notImplemented("layerCounts")
    }
}
