import ExerciseKit
import Foundation
import Yams

/// An architecture and its training settings, read from one of the assignment's YAML configs
/// (`rubric/data/csc321/*.yaml`) by the judge; the submission only ever sees the layers.
struct CSC321Config: Equatable {
    var name: String
    /// (C, H, W) for a network that starts with a convolution, (D) otherwise.
    var input: [Int]
    var layers: [CSC321Layer]
    var weightScale: Double
    var learningRate: Double
    var momentum: Double
    var l2Decay: Double
    var epochs: Int
    var batchSize: Int

    /// The file's keys as the assignment's configs spell them.
    private struct File: Decodable {
        struct Layer: Decodable {
            var type: String
            var units: Int?
            var filters: Int?
            var size: Int?
            var pad: Int?
        }
        var name: String
        var input: [Int]
        var layers: [Layer]
        var weight_scale: Double
        var learning_rate: Double
        var momentum: Double
        var l2_decay: Double
        var epochs: Int
        var batch_size: Int
    }

    /// Reads `csc321/<name>.yaml` from the data folder; a malformed file is the TA's to fix, named with its key.
    static func load(_ name: String) throws -> CSC321Config {
        let path = "\(CheckEnvironment.dataDirectory)/csc321/\(name).yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(description: "\(path) is missing: the CSC321 groups read their architectures from rubric/data/csc321")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> CSC321Config {
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: text) } catch {
            throw DataError(description: "\(path) is not a CSC321 config (\(Self.reason(error))): it needs name, input, layers, weight_scale, learning_rate, momentum, l2_decay, epochs, batch_size")
        }
        let layers = try file.layers.enumerated().map { index, layer -> CSC321Layer in
            func need(_ value: Int?, _ key: String) throws -> Int {
                guard let value, value >= 0 else { throw DataError(description: "\(path): layers[\(index)] (\(layer.type)) needs a non-negative \(key)") }
                return value
            }
            switch layer.type {
            case "fc": return .fc(units: try need(layer.units, "units"))
            case "conv": return .conv(filters: try need(layer.filters, "filters"), size: try need(layer.size, "size"), pad: layer.pad ?? 0)
            case "relu": return .relu
            case "maxpool": return .maxPool(size: try need(layer.size, "size"))
            default: throw DataError(description: "\(path): layers[\(index)] has type '\(layer.type)'; the types are fc, conv, relu and maxpool")
            }
        }
        let config = CSC321Config(name: file.name, input: file.input, layers: layers, weightScale: file.weight_scale,
                                  learningRate: file.learning_rate, momentum: file.momentum, l2Decay: file.l2_decay,
                                  epochs: file.epochs, batchSize: file.batch_size)
        guard config.epochs > 0, config.batchSize > 0, config.weightScale > 0, config.learningRate > 0, !config.input.isEmpty else {
            throw DataError(description: "\(path): epochs, batch_size, weight_scale, learning_rate and the input must be positive")
        }
        return config
    }

    static func reason(_ error: Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "no key '\(key.stringValue)'"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return "at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
            @unknown default: return "\(error)"
            }
        }
        return "\(error)"
    }

    /// The layers as the judge describes a network.
    var networkLayers: [NetworkLayer] {
        layers.map { layer in
            switch layer {
            case .fc(let units): .fc(units: units)
            case .conv(let filters, let size, let pad): .conv(filters: filters, size: size, pad: pad)
            case .relu: .relu
            case .maxPool(let size): .maxPool(size: size)
            }
        }
    }
}

extension CSC321Layer {
    /// Whether the layer has a weight and a bias (fully connected, convolution).
    var hasWeights: Bool {
        switch self {
        case .fc, .conv: true
        case .relu, .maxPool: false
        }
    }
}
