extension Array where Element == String {
    /// `joined(separator:)` as a plain loop. The standard one is generic over the element's
    /// StringProtocol conformance, and its first use in a process makes the Swift runtime
    /// scan every conformance record in the binary; check's output path calls this instead.
    func joinedText(_ separator: String = "") -> String {
        var text = ""
        for (index, part) in enumerated() {
            if index > 0 { text += separator }
            text += part
        }
        return text
    }
}

extension String {
    /// The lines of a file split at each newline byte, "\r" kept in its line, "" after a
    /// final newline. Not `split(separator: "\n")`: Swift compares Characters, and "\r\n" is
    /// one Character, so a CRLF file would not split at all.
    func newlineSeparatedLines() -> [String] {
        utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the last byte is a newline ("\r\n" counts; `hasSuffix("\n")` says no to it).
    var endsWithNewlineByte: Bool { utf8.last == UInt8(ascii: "\n") }
}

extension Array where Element == UInt8 {
    /// The lines of a file as bytes, split at each newline byte, "\r" kept in its line, an
    /// empty last line after a final newline. Nothing is decoded: a line that is not UTF-8
    /// stays exactly the bytes it was.
    func newlineSeparatedLines() -> [[UInt8]] {
        split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Array($0) }
    }
}

/// Bytes shown in a one-line message: UTF-8 text as it is, every byte that is not valid
/// UTF-8 as `\xNN` and every control character (C0, DEL, C1) as `\u{NN}`, so a message
/// names exactly what was given and stays on one line.
public enum ShownBytes {
    public static func text(_ bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < bytes.count {
            if let length = sequenceLength(bytes, at: index),
               let scalar = String(validating: bytes[index..<index + length], as: UTF8.self)?.unicodeScalars.first {
                if scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value) {
                    out += "\\u{" + hex(scalar.value) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
                index += length
            } else {
                out += "\\x" + hex(UInt32(bytes[index]))
                index += 1
            }
        }
        return out
    }

    public static func text(_ string: String) -> String { text(Array(string.utf8)) }

    /// The length of the UTF-8 sequence a lead byte announces, nil for a byte that cannot lead one.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int? {
        let length: Int
        switch bytes[index] {
        case 0x00...0x7f: length = 1
        case 0xc2...0xdf: length = 2
        case 0xe0...0xef: length = 3
        case 0xf0...0xf4: length = 4
        default: return nil
        }
        return index + length <= bytes.count ? length : nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }
}
