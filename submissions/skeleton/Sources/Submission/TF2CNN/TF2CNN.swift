import ExerciseKit

/// The TF2 CNN assignment: count Keras layers' parameters and output shapes, write question
/// 1.1's architecture, and design a shallow network for 14×14 MNIST (the grader trains it).
struct TF2CNN: TF2CNNExercise {
    func parameterCounts(_ layers: [KerasLayer], input: [Int]) throws -> [Int] {
        throw ExerciseError.notImplemented("parameterCounts")
    }
    func outputShapes(_ layers: [KerasLayer], input: [Int]) throws -> [[Int]] {
        throw ExerciseError.notImplemented("outputShapes")
    }
    func questionOneOne() throws -> [KerasLayer] {
        throw ExerciseError.notImplemented("questionOneOne")
    }
    func shallowNetwork() throws -> [KerasLayer] {
        throw ExerciseError.notImplemented("shallowNetwork")
    }
}
