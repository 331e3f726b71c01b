/// A layer of a sequential network as the judge describes one (CSC321's configs, a TF2 CNN
/// shallow network): data only. What a network computes, its shapes and its counts are the
/// oracle's (`Oracles/SequentialOracle.swift`), asked through `OracleQuestion`, so a kit holds
/// none of it.
enum NetworkLayer: Equatable, Sendable {
    case fc(units: Int)
    /// Stride 1, `pad` zeros on every side.
    case conv(filters: Int, size: Int, pad: Int)
    case relu
    /// Non-overlapping.
    case maxPool(size: Int)
    case flatten

    /// Four numbers per layer (kind, then its sizes), as an oracle question's digest reads them.
    static func code(_ layers: [NetworkLayer]) -> [Double] {
        layers.flatMap { layer -> [Double] in
            switch layer {
            case .fc(let units): [1, Double(units), 0, 0]
            case .conv(let filters, let size, let pad): [2, Double(filters), Double(size), Double(pad)]
            case .relu: [3, 0, 0, 0]
            case .maxPool(let size): [4, Double(size), 0, 0]
            case .flatten: [5, 0, 0, 0]
            }
        }
    }

    static func decode(_ code: [Double]) -> [NetworkLayer] {
        stride(from: 0, to: code.count - 3, by: 4).map { i in
            let (a, b, c) = (Int(code[i + 1]), Int(code[i + 2]), Int(code[i + 3]))
            switch Int(code[i]) {
            case 1: return .fc(units: a)
            case 2: return .conv(filters: a, size: b, pad: c)
            case 3: return .relu
            case 4: return .maxPool(size: a)
            default: return .flatten
            }
        }
    }
}

extension NetworkLayer {
    /// Every layer's output shape and every parameter's shape (w, b per layer with weights), from
    /// the oracle (in a kit, its recorded answer); nil when the layers do not fit the input.
    static func shapes(_ layers: [NetworkLayer], input: [Int]) throws -> (outputs: [[Int]], params: [[Int]])? {
        let answer = try Oracle.answer(.networkShapes(code: code(layers), input: input))
        guard answer.count >= layers.count else { return nil }
        let dims = answer.map { $0.scalars.map { Int($0) } }
        return (Array(dims.prefix(layers.count)), Array(dims.dropFirst(layers.count)))
    }
}
