/// JSON read the way Go's `encoding/json` Decoder reads it, which is how dockerd reads
/// daemon.json: one value after optional whitespace (bytes after it are never looked at),
/// string escapes decoded (`"storage\u002ddriver"` is the key `storage-driver`), invalid UTF-8
/// and lone surrogates read as U+FFFD, no BOM, comments or trailing commas. Every object
/// member keeps its byte range, so one can be cut out while every other byte stays.
enum GoJSON {
    indirect enum Value: Equatable {
        case null, bool(Bool), number(String), string(String), array([Value])
        case object(Object)
    }

    struct Object: Equatable {
        /// The offset of `{`.
        var openBrace: Int
        /// In the order written, duplicates included.
        var members: [Member]

        /// The members as a Go map holds them: for a key given twice, the last one.
        var effective: [String: Value] {
            var map: [String: Value] = [:]
            for member in members { map[member.key] = member.value }
            return map
        }
    }

    struct Member: Equatable {
        var key: String
        /// From the key's opening quote to the end of its value.
        var range: Range<Int>
        var value: Value
    }

    /// Why Go's decoder refuses the text.
    struct Invalid: Error, Equatable {
        var offset: Int
        var reason: String
    }

    /// For a member whose value is a string, that string's bytes as written between its quotes
    /// (escapes not decoded); nil for any other value. The member's range ends at the closing
    /// quote; the opening one is the nearest quote before it not escaped by a backslash.
    static func writtenString(of member: Member, in bytes: [UInt8]) -> [UInt8]? {
        guard case .string = member.value, member.range.upperBound <= bytes.count, member.range.count >= 2,
              bytes[member.range.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
        var open = member.range.upperBound - 2
        while open > member.range.lowerBound {
            if bytes[open] == UInt8(ascii: "\"") {
                var slashes = 0
                while open - 1 - slashes >= member.range.lowerBound, bytes[open - 1 - slashes] == UInt8(ascii: "\\") { slashes += 1 }
                if slashes % 2 == 0 { return Array(bytes[(open + 1)..<(member.range.upperBound - 1)]) }
            }
            open -= 1
        }
        return nil
    }

    static func parse(_ bytes: [UInt8]) throws -> Value {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        if parser.peek == nil { throw Invalid(offset: 0, reason: "the file is empty (EOF)") }
        return try parser.value(depth: 0)
    }

    /// `bytes` without member `index` of `object` (parsed from `bytes`), cut together with the
    /// separator that belongs to it.
    static func removing(member index: Int, of object: Object, from bytes: [UInt8]) -> [UInt8] {
        let ms = object.members
        let cut: Range<Int>
        if index + 1 < ms.count {
            cut = ms[index].range.lowerBound..<ms[index + 1].range.lowerBound
        } else if index > 0 {
            cut = ms[index - 1].range.upperBound..<ms[index].range.upperBound
        } else {
            cut = (object.openBrace + 1)..<ms[index].range.upperBound
        }
        var out = bytes
        out.removeSubrange(cut)
        return out
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
        }

        func fail(_ reason: String) -> Invalid { Invalid(offset: i, reason: reason) }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 10000 else { throw fail("nested too deeply") }
            guard let b = peek else { throw fail("unexpected end of JSON input") }
            switch b {
            case UInt8(ascii: "{"): return .object(try object(depth: depth))
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                var items: [Value] = []
                if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw fail("expected ',' or ']' after an array element")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("invalid character looking for beginning of value")
            }
        }

        mutating func object(depth: Int) throws -> Object {
            var result = Object(openBrace: i, members: [])
            i += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return result }
            while true {
                skipSpace()
                let start = i
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
                i += 1
                skipSpace()
                let value = try value(depth: depth + 1)
                result.members.append(Member(key: key, range: start..<i, value: value))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                if peek == UInt8(ascii: "}") { i += 1; return result }
                throw fail("expected ',' or '}' after an object member")
            }
        }

        mutating func literal(_ word: String) throws {
            for expected in word.utf8 {
                guard peek == expected else { throw fail("invalid literal") }
                i += 1
            }
        }

        mutating func number() throws -> String {
            let start = i
            func digits() -> Int {
                let from = i
                while let b = peek, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { i += 1 }
                return i - from
            }
            if peek == UInt8(ascii: "-") { i += 1 }
            if peek == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { throw fail("invalid number") }
            if peek == UInt8(ascii: ".") {
                i += 1
                if digits() == 0 { throw fail("invalid number") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                if digits() == 0 { throw fail("invalid number") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            // Go decodes a number into interface{} as float64 and refuses one out of its range.
            guard let double = Double(text), double.isFinite else { throw fail("number \(text) out of range") }
            return text
        }

        /// A string literal at `i`, decoded as Go does.
        mutating func string() throws -> String {
            i += 1
            var scalars = String.UnicodeScalarView()
            var pendingHigh: UInt32? = nil
            func flushHigh() {
                if pendingHigh != nil { scalars.append("\u{FFFD}"); pendingHigh = nil }
            }
            while true {
                guard let b = peek else { throw fail("unexpected end of JSON input in a string") }
                if b == UInt8(ascii: "\"") { i += 1; break }
                if b < 0x20 { throw fail("invalid character in string literal") }
                if b == UInt8(ascii: "\\") {
                    i += 1
                    guard let e = peek else { throw fail("unexpected end of JSON input in a string") }
                    i += 1
                    if e == UInt8(ascii: "u") {
                        guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16),
                              bytes[i..<(i + 4)].allSatisfy({ isHex($0) }) else { throw fail("invalid \\u escape") }
                        i += 4
                        if (0xD800..<0xDC00).contains(code) {
                            flushHigh()
                            pendingHigh = code
                        } else if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                            pendingHigh = nil
                            let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                            scalars.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                        } else {
                            flushHigh()
                            scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                        }
                        continue
                    }
                    flushHigh()
                    switch e {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    default: throw fail("invalid escape in string literal")
                    }
                    continue
                }
                flushHigh()
                let (scalar, width) = decodeUTF8(at: i)
                scalars.append(scalar)
                i += width
            }
            flushHigh()
            return String(scalars)
        }

        func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
        }

        /// One UTF-8 sequence at `at`, or U+FFFD for one byte, as Go's utf8.DecodeRune.
        func decodeUTF8(at: Int) -> (Unicode.Scalar, Int) {
            let b0 = bytes[at]
            if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
            let (count, minimum, initial): (Int, UInt32, UInt32) =
                b0 >= 0xF0 && b0 <= 0xF4 ? (4, 0x10000, UInt32(b0 & 0x07))
                : b0 >= 0xE0 && b0 <= 0xEF ? (3, 0x800, UInt32(b0 & 0x0F))
                : b0 >= 0xC2 && b0 <= 0xDF ? (2, 0x80, UInt32(b0 & 0x1F))
                : (0, 0, 0)
            guard count > 0, at + count <= bytes.count else { return ("\u{FFFD}", 1) }
            var code = initial
            for k in 1..<count {
                let b = bytes[at + k]
                guard b & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
                code = code << 6 | UInt32(b & 0x3F)
            }
            guard code >= minimum, let scalar = Unicode.Scalar(code) else { return ("\u{FFFD}", 1) }
            return (scalar, count)
        }
    }
}
