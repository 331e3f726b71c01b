import Foundation

/// The check libzip's `ZIP_CHECKCONS` stands for, done by hand where libzip is stricter than the
/// format: it refuses Info-ZIP's zip64 archives (`zip -fz`, measured), which `unzip`, Python and
/// 7-Zip accept. What matters for grading is that every entry's local header names the same file
/// as the central directory the extractor reads (else another tool would unpack other files).
enum ZipConsistency {
    /// Nil when consistent, else why not.
    static func problem(path: String) -> String? {
        guard let file = FileHandle(forReadingAtPath: path) else { return "cannot be read" }
        defer { try? file.close() }
        guard let size = try? file.seekToEnd(), size >= 22 else { return "too short for a zip" }
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            guard offset + UInt64(count) <= size, (try? file.seek(toOffset: offset)) != nil,
                  let data = try? file.read(upToCount: count), data.count == count else { return nil }
            return [UInt8](data)
        }
        func number(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
            (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        // The end of central directory record: the last "PK\5\6" within the final 64 KiB + 22 bytes.
        let tailLength = Int(min(size, 65_557))
        guard let tail = read(size - UInt64(tailLength), tailLength),
              let end = (0...(tailLength - 22)).reversed().first(where: { tail[$0] == 0x50 && tail[$0 + 1] == 0x4B && tail[$0 + 2] == 5 && tail[$0 + 3] == 6 })
        else { return "no end of central directory" }
        var entries = number(tail, end + 10, 2), directoryOffset = number(tail, end + 16, 4)
        if entries == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: the locator just before the record points at the zip64 end record.
            let endOffset = size - UInt64(tailLength) + UInt64(end)
            guard endOffset >= 20, let locator = read(endOffset - 20, 20), number(locator, 0, 4) == 0x0706_4B50,
                  let record = read(number(locator, 8, 8), 56), number(record, 0, 4) == 0x0606_4B50
            else { return "a zip64 archive without its zip64 end record" }
            entries = number(record, 32, 8)
            directoryOffset = number(record, 48, 8)
        }
        var offset = directoryOffset
        for index in 0..<entries {
            guard let header = read(offset, 46), number(header, 0, 4) == 0x0201_4B50 else { return "central directory entry \(index) is damaged" }
            let (nameLength, extraLength, commentLength) = (Int(number(header, 28, 2)), Int(number(header, 30, 2)), Int(number(header, 32, 2)))
            guard let name = read(offset + 46, nameLength), let extra = read(offset + 46 + UInt64(nameLength), extraLength) else {
                return "central directory entry \(index) is damaged"
            }
            var localOffset = number(header, 42, 4)
            if localOffset == 0xFFFF_FFFF {
                // The zip64 extra field (0x0001) holds the 64-bit values that are 0xFFFFFFFF, in order.
                var position = 0
                while position + 4 <= extra.count {
                    let (tag, length) = (number(extra, position, 2), Int(number(extra, position + 2, 2)))
                    if tag == 1 {
                        var field = position + 4
                        if number(header, 24, 4) == 0xFFFF_FFFF { field += 8 }
                        if number(header, 20, 4) == 0xFFFF_FFFF { field += 8 }
                        if field + 8 <= position + 4 + length, field + 8 <= extra.count { localOffset = number(extra, field, 8) }
                        break
                    }
                    position += 4 + length
                }
            }
            guard let local = read(localOffset, 30), number(local, 0, 4) == 0x0403_4B50,
                  let localName = read(localOffset + 30, Int(number(local, 26, 2))) else {
                return "entry \(index) has no local header where the central directory says"
            }
            if localName != name {
                return "entry \(index) is named '\(String(decoding: name, as: UTF8.self))' in the central directory but '\(String(decoding: localName, as: UTF8.self))' in its local header"
            }
            offset += 46 + UInt64(nameLength + extraLength + commentLength)
        }
        return nil
    }
}
