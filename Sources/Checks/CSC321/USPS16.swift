import ExerciseKit

/// The assignment's data, USPS (16×16 grey digits, values in [−1, 1]), cannot be downloaded
/// here. Its stand-in is the 8×8 UCI digits the grader ships (`rubric/data/digits`, see its
/// PROVENANCE.md), each image upsampled to 16×16 by bilinear interpolation (pixel centres
/// aligned, edges clamped) and scaled from 0…16 to [−1, 1]: the same shape and range, ten classes.
/// The split is fixed: the first 1,198 images (the file's order) train, the other 599 test.
struct USPS16 {
    /// (N, 1, 16, 16).
    let images: Tensor
    let labels: [Int]

    var count: Int { labels.count }

    nonisolated(unsafe) private static var cache: (train: USPS16, test: USPS16)?

    static func load() throws -> (train: USPS16, test: USPS16) {
        if let cache { return cache }
        let digits = try LabelledData.csv("digits/digits.csv", skipHeader: 0, classCount: 10)
        let n = digits.classes.count
        guard digits.inputs.shape == [n, 64], n > 1198 else {
            throw DataError(description: "\(CheckEnvironment.dataDirectory)/digits/digits.csv is not 64 pixels and a label per line: restore it from the grader's rubric/data")
        }
        var pixels = [Double](repeating: 0, count: n * 256)
        for sample in 0..<n {
            for i in 0..<16 {
                for j in 0..<16 {
                    // Centre of output pixel i in input coordinates: (i + 0.5)/2 − 0.5.
                    let (y, x) = (min(max(Double(i) / 2 - 0.25, 0), 7), min(max(Double(j) / 2 - 0.25, 0), 7))
                    let (y0, x0) = (Int(y), Int(x))
                    let (y1, x1) = (min(y0 + 1, 7), min(x0 + 1, 7))
                    let (fy, fx) = (y - Double(y0), x - Double(x0))
                    func at(_ r: Int, _ c: Int) -> Double { digits.inputs.scalars[sample * 64 + r * 8 + c] }
                    let value = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1))
                    pixels[sample * 256 + i * 16 + j] = value / 8 - 1
                }
            }
        }
        func split(_ range: Range<Int>) -> USPS16 {
            USPS16(images: Tensor(shape: [range.count, 1, 16, 16], scalars: Array(pixels[(range.lowerBound * 256)..<(range.upperBound * 256)])),
                   labels: Array(digits.classes[range]))
        }
        let loaded = (split(0..<1198), split(1198..<n))
        cache = loaded
        return loaded
    }

    /// Images `indices` as (count, 1, 16, 16), or flattened to (count, 256) for a network that starts fully connected.
    func batch(_ indices: [Int], flat: Bool) -> (Tensor, [Int]) {
        var x = [Double](repeating: 0, count: indices.count * 256)
        for (row, sample) in indices.enumerated() {
            for k in 0..<256 { x[row * 256 + k] = images.scalars[sample * 256 + k] }
        }
        return (Tensor(shape: flat ? [indices.count, 256] : [indices.count, 1, 16, 16], scalars: x), indices.map { labels[$0] })
    }
}
