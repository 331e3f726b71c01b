import Archive
import ExerciseKit

/// The 14×14 MNIST of hw5, normalised as the skeleton's `__main__`: images 196×N (feature index
/// row·14 + column) divided by 255, labels 1×N class ids.
struct MNIST {
    let images: Tensor
    let labels: Tensor

    var count: Int { labels.count }

    /// The column of sample `index` as a 196×1 tensor.
    func column(_ index: Int) -> Tensor {
        let n = count
        return Tensor(shape: [196, 1], scalars: (0..<196).map { images.scalars[$0 * n + index] })
    }

    /// Images `indices` as one batch of `shape` (its first axis the count: (N, 196) or (N, 1, 14, 14)),
    /// and their labels: the trainings' minibatches and test chunks.
    func batch(_ indices: [Int], shape: [Int]) -> (Tensor, [Int]) {
        let n = count
        var x = [Double](repeating: 0, count: indices.count * 196)
        for (row, sample) in indices.enumerated() { for feature in 0..<196 { x[row * 196 + feature] = images.scalars[feature * n + sample] } }
        return (Tensor(shape: shape, scalars: x), indices.map { Int(labels.scalars[$0]) })
    }

    nonisolated(unsafe) private static var cache: [String: MNIST] = [:]

    /// `mnist_train.npz` or `mnist_test.npz` from the data folder (cached per worker).
    static func load(_ split: String) throws -> MNIST {
        if let cached = cache[split] { return cached }
        let path = "\(CheckEnvironment.dataDirectory)/mnist14/mnist_\(split).npz"
        let arrays: [String: NumpyArray]
        do { arrays = try NPZ.read(path: path) } catch {
            throw DataError(description: "cannot read \(path): \(error) (the grader needs rubric/data/mnist14)")
        }
        guard let img = arrays["img"], let label = arrays["label"], img.shape.count == 3, img.shape[1] * img.shape[2] == 196 else {
            throw DataError(description: "\(path) lacks img (N×14×14) or label (N×1)")
        }
        let n = img.shape[0]
        var transposed = [Double](repeating: 0, count: 196 * n)
        for sample in 0..<n { for feature in 0..<196 { transposed[feature * n + sample] = img.scalars[sample * 196 + feature] / 255 } }
        let data = MNIST(images: Tensor(shape: [196, n], scalars: transposed), labels: Tensor(shape: [1, n], scalars: label.scalars))
        cache[split] = data
        return data
    }

    /// The fraction of test images whose predicted class is the label.
    func accuracy(_ predict: (Tensor) throws -> Int) rethrows -> Double {
        var correct = 0
        for index in 0..<count where try predict(column(index)) == Int(labels.scalars[index]) { correct += 1 }
        return Double(correct) / Double(count)
    }
}
