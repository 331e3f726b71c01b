import ExerciseKit

/// A TF2 CNN submission halfway: the counts right, "same" padding's shapes wrong (it shrinks like
/// "valid"), and a shallow network that reaches the bar with too many parameters for the tiers.
struct TF2CNN: TF2CNNExercise {
    func outputShapes(_ layers: [KerasLayer], input: [Int]) throws -> [[Int]] {
        var shape = input
        return try layers.map { layer in
            switch layer {
            case .conv2D(let filters, let kernel, let padding, _):
                guard shape.count == 3 else { throw ExerciseError.invalidShape("a convolution needs (height, width, channels), not \(shape)") }
                shape = [shape[0] - kernel + 1, shape[1] - kernel + 1, filters]
            case .maxPooling2D(let size):
                guard shape.count == 3 else { throw ExerciseError.invalidShape("pooling needs (height, width, channels), not \(shape)") }
                shape = [shape[0] / size, shape[1] / size, shape[2]]
            case .flatten: shape = [shape.reduce(1, *)]
            case .dense(let units, _):
                guard shape.count == 1 else { throw ExerciseError.invalidShape("a dense layer needs a flat input, not \(shape)") }
                shape = [units]
            }
            return shape
        }
    }

    func parameterCounts(_ layers: [KerasLayer], input: [Int]) throws -> [Int] {
        // Shapes as Keras computes them (this file's outputShapes still gets "same" wrong).
        var inputs: [[Int]] = [input]
        for layer in layers.dropLast() {
            let shape = inputs.last!
            switch layer {
            case .conv2D(let filters, let kernel, let padding, _):
                inputs.append(padding == .same ? [shape[0], shape[1], filters] : [shape[0] - kernel + 1, shape[1] - kernel + 1, filters])
            case .maxPooling2D(let size): inputs.append([shape[0] / size, shape[1] / size, shape[2]])
            case .flatten: inputs.append([shape.reduce(1, *)])
            case .dense(let units, _): inputs.append([units])
            }
        }
        return zip(layers, inputs).map { layer, shape in
            switch layer {
            case .conv2D(let filters, let kernel, _, _): kernel * kernel * shape[2] * filters + filters
            case .dense(let units, _): shape[0] * units + units
            case .maxPooling2D, .flatten: 0
            }
        }
    }

    func questionOneOne() throws -> [KerasLayer] {
        [.conv2D(filters: 32, kernel: 5, padding: .valid, activation: .relu), .maxPooling2D(size: 2),
         .conv2D(filters: 64, kernel: 5, padding: .valid, activation: .relu), .maxPooling2D(size: 2),
         .flatten, .dense(units: 1024, activation: .relu), .dense(units: 10, activation: .softmax)]
    }

    func shallowNetwork() throws -> [KerasLayer] {
        [.conv2D(filters: 16, kernel: 3, padding: .same, activation: .relu), .maxPooling2D(size: 2),
         .flatten, .dense(units: 32, activation: .relu), .dense(units: 10, activation: .softmax)]
    }
}
