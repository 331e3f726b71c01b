import Archive
import Foundation
import Testing

@Suite struct ArchiveNumpyTests {
    static let mnist = TestSupport.repository + "/rubric/data/mnist14"

    @Test func readsTheMNISTTestSet() throws {
        let arrays = try NPZ.read(path: Self.mnist + "/mnist_test.npz")
        let images = try #require(arrays["img"])
        let labels = try #require(arrays["label"])
        #expect(images.shape == [2000, 14, 14])
        #expect(images.descr == "|u1")
        #expect(labels.shape == [2000, 1])
        // PROVENANCE.md: test label counts 189, 222, 212, 242, 196, 186, 158, 215, 193, 187; mean pixel 33.94.
        let counts = (0..<10).map { digit in labels.scalars.filter { $0 == Double(digit) }.count }
        #expect(counts == [189, 222, 212, 242, 196, 186, 158, 215, 193, 187])
        #expect(abs(images.scalars.reduce(0, +) / Double(images.scalars.count) - 33.94) < 0.005)
    }

    @Test func writesWhatNumpyWouldRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString).npz").path
        let w = NumpyArray(shape: [2, 3], scalars: [1, -2.5, 3, 4e-9, 5, 6])
        let b = NumpyArray(shape: [3], scalars: [0.5, 0, -1])
        try NPZ.write(path: path, arrays: [("w1", w), ("b1", b)])
        let back = try NPZ.read(path: path)
        #expect(back["w1"] == w)
        #expect(back["b1"] == b)
    }

    @Test func refusesFortranOrderAndOddTypes() throws {
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }"
        header += String(repeating: " ", count: 128 - 10 - header.utf8.count - 1) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0])
        data.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: 32))
        #expect(throws: ArchiveError.unsupportedArray(name: "a", reason: "Fortran-ordered arrays are not supported: save np.ascontiguousarray(a) instead")) {
            _ = try NPY.parse(data, name: "a")
        }
        let objectHeader = header.replacingOccurrences(of: "<f8", with: "|O8").replacingOccurrences(of: "True", with: "False")
        var objectData = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(objectHeader.utf8.count), 0])
        objectData.append(contentsOf: Array(objectHeader.utf8))
        #expect(throws: ArchiveError.unsupportedArray(name: "b", reason: "dtype '|O8' is not supported: save as float64 ('<f8') or uint8")) {
            _ = try NPY.parse(objectData, name: "b")
        }
    }
}
