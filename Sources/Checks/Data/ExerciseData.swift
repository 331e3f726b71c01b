import ExerciseKit
import Foundation

/// Where the checks find their data sets (`rubric/data`); the worker sets it from the host.
public enum CheckEnvironment {
    nonisolated(unsafe) public static var dataDirectory = "rubric/data"
    /// The seed the current check started from (the rubric's seed).
    nonisolated(unsafe) public static var seed: UInt32 = 1337
    /// The current check's rubric parameters.
    nonisolated(unsafe) public static var parameters: [String: Double] = [:]
    /// The submission's folder (for submitted files such as mlp.npz), if the host gave one.
    nonisolated(unsafe) public static var submissionDirectory: String?

    /// Seeds the submission's random source too (the judge sends it to the worker).
    nonisolated(unsafe) public static var seedSubmission: (UInt32) -> Void = { _ in }

    /// Seeds the checks' random source and the submission's (they are one in a local registry).
    public static func reseed(_ seed: UInt32) {
        RandomSource.shared.seed(seed)
        seedSubmission(seed)
    }

    /// A rubric parameter of the current check, or its default.
    static func parameter(_ name: String, default value: Double) -> Double { parameters[name] ?? value }
}

/// Why a data set could not be read (the harness's fault, not the submission's).
public struct DataError: Error, CustomStringConvertible {
    public let description: String
}

/// A labelled data set: inputs with the sample on the first axis, labels as class indices.
struct LabelledData {
    var inputs: Tensor
    var classes: [Int]
    let classCount: Int

    /// Reads a CSV whose rows are features followed by a class index (`skipHeader` lines first).
    static func csv(_ name: String, skipHeader: Int, classCount: Int) throws -> LabelledData {
        let path = "\(CheckEnvironment.dataDirectory)/\(name)"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(description: "data file \(path) is missing: set \"dataDirectory\" in the rubric to the grader's rubric/data folder")
        }
        var features: [Double] = [], classes: [Int] = []
        var width = 0
        for line in text.split(whereSeparator: \.isNewline).dropFirst(skipHeader) {
            let values = line.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count >= 2 else { continue }
            width = values.count - 1
            features.append(contentsOf: values.dropLast())
            classes.append(Int(values.last!))
        }
        return LabelledData(inputs: Tensor(shape: [classes.count, width], scalars: features), classes: classes, classCount: classCount)
    }

    func oneHot(_ indices: [Int]) -> Tensor {
        var label = Tensor(zeros: [indices.count, classCount])
        for (row, sample) in indices.enumerated() { label[row, classes[sample]] = 1 }
        return label
    }

    /// The given samples as a batch, inputs reshaped to `[count] + sampleShape`.
    func batch(_ indices: [Int], sampleShape: [Int]) -> (input: Tensor, label: Tensor) {
        (inputs.gather(rows: indices).reshaped([indices.count] + sampleShape), oneHot(indices))
    }
}

/// The exercise's `IrisData` / `DigitData` (Helpers.py): scaled, shuffled once with the seeded
/// source, split, then served in batches with a fresh shuffle per epoch.
final class ExerciseDataLayer: DataLayer {
    let data: LabelledData
    let train: [Int]
    let test: [Int]
    let batchSize: Int
    let sampleShape: [Int]
    /// Pad the last batch of an epoch to a full batch with the epoch's first samples (DigitData).
    let padLastBatch: Bool
    private var queue: [[Int]] = []

    init(data: LabelledData, trainCount: Int, batchSize: Int, sampleShape: [Int], padLastBatch: Bool) {
        let order = RandomSource.shared.permutation(data.classes.count)
        self.data = data
        train = Array(order.prefix(trainCount))
        test = Array(order.dropFirst(trainCount))
        self.batchSize = batchSize
        self.sampleShape = sampleShape
        self.padLastBatch = padLastBatch
    }

    /// Iris: 150 × 4 divided by the global absolute maximum, 100 train / 50 test.
    static func iris(batchSize: Int) throws -> ExerciseDataLayer {
        var data = try LabelledData.csv("iris/iris.csv", skipHeader: 1, classCount: 3)
        data.inputs = data.inputs / (data.inputs.map(abs).max())
        return ExerciseDataLayer(data: data, trainCount: 100, batchSize: batchSize, sampleShape: [4], padLastBatch: false)
    }

    /// 8×8 digits: (b, 1, 8, 8) divided by 16, 1198 train / 599 test, full batches.
    static func digits(batchSize: Int) throws -> ExerciseDataLayer {
        var data = try LabelledData.csv("digits/digits.csv", skipHeader: 0, classCount: 10)
        data.inputs = data.inputs / 16
        return ExerciseDataLayer(data: data, trainCount: 1198, batchSize: batchSize, sampleShape: [1, 8, 8], padLastBatch: true)
    }

    func next() throws -> (input: Tensor, label: Tensor) {
        if queue.isEmpty {
            let order = RandomSource.shared.permutation(train.count).map { train[$0] }
            for start in stride(from: 0, to: order.count, by: batchSize) {
                var members = Array(order[start..<min(start + batchSize, order.count)])
                if padLastBatch && members.count < batchSize { members += order.prefix(batchSize - members.count) }
                queue.append(members)
            }
        }
        return data.batch(queue.removeFirst(), sampleShape: sampleShape)
    }

    /// The held-out samples.
    func testSet() -> (input: Tensor, label: Tensor) { data.batch(test, sampleShape: sampleShape) }
}
