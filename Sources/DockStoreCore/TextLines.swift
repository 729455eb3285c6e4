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

/// The one display escape: how dockstore shows a path, a value or a line it read, in every
/// message, plan line and status line, so that what reaches the terminal is exactly what was
/// given and can never change how the line displays. As systemd's `utf8_escape_non_printable`
/// and `ls --quoting-style=shell-escape` do: printable UTF-8 as it is; every byte that is not
/// valid UTF-8, and every byte of a character that does not print, as `\xNN` (`\n`, `\r`,
/// `\t` and the other C escapes for those controls). Characters that do not print: controls
/// (C0, DEL, C1), the format characters (Unicode category Cf: the bidirectional controls
/// U+200E/F, U+202A–E, U+2066–9, U+061C, zero-width characters, U+FEFF, tags), line and
/// paragraph separators, and every space but U+0020. Backslashes are kept as they are (as
/// shell-escape quoting keeps them), so applying it to a message that already holds escaped
/// text changes nothing.
public enum ShownBytes {
    public static func text(_ bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7f {
                out.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
            } else if let length = sequenceLength(bytes, at: index),
                      let scalar = String(validating: bytes[index..<index + length], as: UTF8.self)?.unicodeScalars.first {
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    for escaped in bytes[index..<index + length] { out += escape(escaped) }
                }
                index += length
            } else {
                out += "\\x" + hex(UInt32(byte))
                index += 1
            }
        }
        return out
    }

    public static func text(_ string: String) -> String {
        // The common case, checked without building a copy: nothing to escape.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return string }
        return text(Array(string.utf8))
    }

    /// Whether `scalar` prints as itself (see the type's rule).
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x20 && scalar.value < 0x7f { return true }
        if isInvisible(scalar) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate: return false
        default: return true
        }
    }

    /// A character outside the control, format and separator categories that still prints as
    /// nothing or as blank: Unicode's default-ignorable code points (the Hangul fillers U+115F,
    /// U+1160, U+3164, U+FFA0, the tags U+E0000–E0FFF, variation selectors) and the Braille
    /// blank U+2800.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2800 || (scalar.value >= 0x80 && scalar.properties.isDefaultIgnorableCodePoint)
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0a: return "\\n"
        case 0x0b: return "\\v"
        case 0x0c: return "\\f"
        case 0x0d: return "\\r"
        default: return "\\x" + hex(UInt32(byte))
        }
    }

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
