import Testing
import ExerciseKit

@Suite struct TensorTests {
    @Test func rowMajorSubscriptsAndStrides() {
        var t = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(t[1, 2] == 5)
        #expect(t.strides == [3, 1])
        t[0, 1] = 9
        #expect(t.scalars == [0, 9, 2, 3, 4, 5])
    }

    @Test func reshapeKeepsOrderAndInfersOneAxis() {
        let t = Tensor.arange(shape: [2, 3, 4])
        #expect(t.reshaped([6, -1]).shape == [6, 4])
        #expect(t.reshaped([24]).scalars == t.scalars)
    }

    @Test func matmulAndTranspose() {
        let a = Tensor(rows: [[1, 2], [3, 4], [5, 6]])
        let b = Tensor(rows: [[1, 0, 2], [0, 1, 3]])
        #expect(a.matmul(b) == Tensor(rows: [[1, 2, 8], [3, 4, 18], [5, 6, 28]]))
        #expect(a.transposed() == Tensor(rows: [[1, 3, 5], [2, 4, 6]]))
    }

    @Test func gatherAndSliceRows() {
        let t = Tensor.arange(shape: [4, 2])
        #expect(t.gather(rows: [3, 0]).scalars == [6, 7, 0, 1])
        #expect(t.slice(rows: 1..<3).scalars == [2, 3, 4, 5])
    }

    @Test func maxReportsNaN() {
        #expect(Tensor([1, .nan, 3]).max().isNaN)
        #expect(Tensor([1, 5, 3]).argmax() == 1)
    }
}

@Suite struct RandomSourceTests {
    // Values printed by numpy 2.4: np.random.seed(1337); np.random.random_sample(3), randn(3).
    @Test func uniformMatchesNumpyLegacyStream() {
        let random = RandomSource(seed: 1337)
        let values = (0..<3).map { _ in random.uniform() }
        let numpy = [0.26202468, 0.15868397, 0.27812652]
        for (value, expected) in zip(values, numpy) { #expect(abs(value - expected) < 1e-8) }
    }

    @Test func normalMatchesNumpyLegacyStream() {
        let random = RandomSource(seed: 1337)
        let values = (0..<3).map { _ in random.normal() }
        let numpy = [-0.70318731, -0.49028236, -0.32181433]
        for (value, expected) in zip(values, numpy) { #expect(abs(value - expected) < 1e-8) }
    }

    @Test func reseedingRestartsTheStream() {
        let random = RandomSource(seed: 7)
        let first = random.permutation(10)
        random.seed(7)
        #expect(random.permutation(10) == first)
        #expect(first.sorted() == Array(0..<10))
    }
}
