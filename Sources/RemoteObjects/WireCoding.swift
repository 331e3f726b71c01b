import ExerciseKit

/// A malformed message: the reason says what was wrong, for the check's `errored` message.
public struct WireError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Encodes messages into frames: a 4-byte little-endian length, then the payload.
public struct WireWriter {
    public private(set) var bytes: [UInt8] = [0, 0, 0, 0]

    public init() {}

    /// The finished frame (the length prefix filled in).
    public static func frame(_ message: WireMessage) -> [UInt8] {
        var writer = WireWriter()
        // A training's frames carry tens of kilobytes of tensors: one allocation, not a dozen regrowths.
        writer.bytes.reserveCapacity(4 + message.tensorBytes + 256)
        writer.write(message)
        let length = UInt32(writer.bytes.count - 4)
        for i in 0..<4 { writer.bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        return writer.bytes
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ value: Int) { u64(UInt64(bitPattern: Int64(value))) }
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8.prefix(WireLimits.maxStringBytes))
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func write(_ message: WireMessage) {
        switch message {
        case .call(let id, let target, let method, let arguments):
            u8(1); u64(id); u32(target); string(method)
            u32(UInt32(arguments.count))
            for argument in arguments { write(argument) }
        case .reply(let id, let result):
            u8(2); u64(id)
            switch result {
            case .success(let value): u8(0); write(value)
            case .failure(let error): u8(1); u8(error.kind.rawValue); string(error.message)
            }
        case .ready(let contracts):
            u8(3); u32(UInt32(contracts.count))
            for contract in contracts { string(contract) }
        case .loadFailed(let reason, let expected, let found):
            u8(4); string(reason); u32(UInt32(bitPattern: expected)); u32(UInt32(bitPattern: found))
        }
    }

    mutating func write(_ value: WireValue) {
        switch value {
        case .none: u8(0)
        case .bool(let flag): u8(1); u8(flag ? 1 : 0)
        case .int(let number): u8(2); i64(number)
        case .double(let number): u8(3); u64(number.bitPattern)
        case .string(let text): u8(4); string(text)
        case .tensor(let tensor):
            u8(5); u32(UInt32(tensor.shape.count))
            for axis in tensor.shape { i64(axis) }
            u64(UInt64(tensor.scalars.count))
            // Doubles are little-endian on every platform Swift runs this on (x86-64, arm64).
            tensor.scalars.withUnsafeBytes { bytes.append(contentsOf: $0) }
        case .object(let reference): u8(6); u32(reference.id); u8(reference.kind.rawValue)
        case .exported(let reference): u8(7); u32(reference.id); u8(reference.kind.rawValue)
        case .list(let items):
            u8(8); u32(UInt32(items.count))
            for item in items { write(item) }
        }
    }
}

/// Decodes one frame's payload, validating every length, count, shape and tag.
public struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ payload: [UInt8]) { bytes = payload }

    /// The message in `payload`; anything malformed or trailing throws.
    public static func message(_ payload: [UInt8]) throws -> WireMessage {
        var reader = WireReader(payload)
        let message = try reader.readMessage()
        guard reader.offset == payload.count else { throw WireError("\(payload.count - reader.offset) bytes after the message") }
        return message
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw WireError("truncated message (needs \(count) more bytes at offset \(offset), has \(bytes.count - offset))")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func u8() throws -> UInt8 { try take(1).first! }
    mutating func u32() throws -> UInt32 { try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    mutating func u64() throws -> UInt64 { try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    mutating func i64() throws -> Int { Int(Int64(bitPattern: try u64())) }
    mutating func string() throws -> String {
        let count = Int(try u32())
        guard count <= WireLimits.maxStringBytes else { throw WireError("a string of \(count) bytes (limit \(WireLimits.maxStringBytes))") }
        // Invalid UTF-8 is repaired, not trusted: it only ever ends up in a message.
        return String(decoding: try take(count), as: UTF8.self)
    }

    mutating func readMessage() throws -> WireMessage {
        switch try u8() {
        case 1:
            let (id, target, method) = (try u64(), try u32(), try string())
            let count = Int(try u32())
            guard count <= 64 else { throw WireError("a call with \(count) arguments") }
            return .call(id: id, target: target, method: method, arguments: try (0..<count).map { _ in try value(depth: 0) })
        case 2:
            let id = try u64()
            switch try u8() {
            case 0: return .reply(id: id, result: .success(try value(depth: 0)))
            case 1:
                guard let kind = ThrownError.Kind(rawValue: try u8()) else { throw WireError("an unknown error kind") }
                return .reply(id: id, result: .failure(ThrownError(kind: kind, message: try string())))
            case let tag: throw WireError("an unknown reply tag \(tag)")
            }
        case 3:
            let count = Int(try u32())
            guard count <= 64 else { throw WireError("\(count) contracts") }
            return .ready(contracts: try (0..<count).map { _ in try string() })
        case 4:
            return .loadFailed(reason: try string(), expectedABI: Int32(bitPattern: try u32()), foundABI: Int32(bitPattern: try u32()))
        case let tag:
            throw WireError("an unknown message tag \(tag)")
        }
    }

    mutating func value(depth: Int) throws -> WireValue {
        switch try u8() {
        case 0: return .none
        case 1:
            switch try u8() {
            case 0: return .bool(false)
            case 1: return .bool(true)
            case let byte: throw WireError("a boolean byte \(byte)")
            }
        case 2: return .int(try i64())
        case 3: return .double(Double(bitPattern: try u64()))
        case 4: return .string(try string())
        case 5: return .tensor(try tensor())
        case 6: return .object(try reference())
        case 7: return .exported(try reference())
        case 8:
            guard depth < WireLimits.maxDepth else { throw WireError("lists nested deeper than \(WireLimits.maxDepth)") }
            let count = Int(try u32())
            guard count <= WireLimits.maxListCount, count <= bytes.count - offset else { throw WireError("a list of \(count) items") }
            return .list(try (0..<count).map { _ in try value(depth: depth + 1) })
        case let tag:
            throw WireError("an unknown value tag \(tag)")
        }
    }

    mutating func reference() throws -> ObjectReference {
        let id = try u32()
        let raw = try u8()
        guard let kind = ObjectKind(rawValue: raw) else { throw WireError("an unknown object kind \(raw)") }
        return ObjectReference(id: id, kind: kind)
    }

    mutating func tensor() throws -> Tensor {
        let rank = Int(try u32())
        guard rank <= WireLimits.maxRank else { throw WireError("a tensor of rank \(rank) (limit \(WireLimits.maxRank))") }
        var shape: [Int] = []
        var product = 1
        for _ in 0..<rank {
            let axis = try i64()
            guard axis >= 0, axis <= bytes.count else { throw WireError("a tensor axis of size \(axis)") }
            shape.append(axis)
            product = product.multipliedReportingOverflow(by: axis).overflow ? Int.max : product * axis
        }
        let count = try u64()
        guard count <= UInt64(bytes.count - offset) / 8 else { throw WireError("a tensor of \(count) values in a message of \(bytes.count) bytes") }
        guard Int(count) == product else {
            throw WireError("a tensor whose shape \(shape) holds \(product) values but that carries \(count) (was its `scalars` changed without its shape?)")
        }
        let raw = try take(Int(count) * 8)
        let scalars = [Double](unsafeUninitializedCapacity: Int(count)) { destination, initialized in
            raw.withUnsafeBytes { UnsafeMutableRawBufferPointer(destination).copyMemory(from: $0) }
            initialized = Int(count)
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension WireMessage {
    /// The bytes of the tensors' values it carries (a lower bound of its frame's size).
    var tensorBytes: Int {
        switch self {
        case .call(_, _, _, let arguments): return arguments.reduce(0) { $0 + $1.tensorBytes }
        case .reply(_, .success(let value)): return value.tensorBytes
        default: return 0
        }
    }
}

extension WireValue {
    var tensorBytes: Int {
        switch self {
        case .tensor(let tensor): return tensor.scalars.count * 8
        case .list(let items): return items.reduce(0) { $0 + $1.tensorBytes }
        default: return 0
        }
    }
}
