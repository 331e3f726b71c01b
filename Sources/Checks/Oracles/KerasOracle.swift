/// The harness's own Keras arithmetic for the TF2 CNN exercise: each layer's output shape
/// (channels last, no batch axis) and its free parameters ("Param #"), from the layers' code
/// (`TF2CNNChecks.code`: [kind, a, b, c] per layer: dense [1, units], conv2D [2, filters, kernel,
/// 0 valid | 1 same], maxPooling2D [4, size], flatten [5]). A student's kit leaves it out.
enum KerasOracle {
    static func summary(_ code: [Double], input: [Int]) -> [(shape: [Int], parameters: Int)]? {
        var shape = input
        var rows: [(shape: [Int], parameters: Int)] = []
        for i in stride(from: 0, to: code.count - 3, by: 4) {
            let (a, b, c) = (Int(code[i + 1]), Int(code[i + 2]), Int(code[i + 3]))
            var parameters = 0
            switch Int(code[i]) {
            case 1:
                guard shape.count == 1, a > 0 else { return nil }
                parameters = shape[0] * a + a
                shape = [a]
            case 2:
                guard shape.count == 3, a > 0, b > 0 else { return nil }
                parameters = b * b * shape[2] * a + a
                shape = c == 1 ? [shape[0], shape[1], a] : [shape[0] - b + 1, shape[1] - b + 1, a]
                guard shape[0] > 0, shape[1] > 0 else { return nil }
            case 4:
                guard shape.count == 3, a > 0, shape[0] >= a, shape[1] >= a else { return nil }
                shape = [shape[0] / a, shape[1] / a, shape[2]]
            case 5: shape = [shape.reduce(1, *)]
            default: return nil
            }
            rows.append((shape, parameters))
        }
        return rows
    }
}
