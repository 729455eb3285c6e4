/// The members of a JSON object's top level, located in its text, so that one member can
/// be removed while every other byte (order, spacing, formatting) stays as it was.
struct JSONObjectText {
    struct Member {
        var key: String
        /// From the key's opening quote to the end of its value.
        var range: Range<Int>
    }

    let bytes: [UInt8]
    private(set) var members: [Member] = []
    private(set) var openBrace = 0
    private var i = 0

    init(_ text: String) throws {
        bytes = Array(text.utf8)
        try scan()
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text without every member named `key`.
    func removing(_ key: String) throws -> String {
        var current = self
        while let index = current.members.firstIndex(where: { $0.key == key }) {
            let ms = current.members
            var cut: Range<Int>
            if index + 1 < ms.count {
                cut = ms[index].range.lowerBound..<ms[index + 1].range.lowerBound
            } else if index > 0 {
                cut = ms[index - 1].range.upperBound..<ms[index].range.upperBound
            } else {
                cut = (current.openBrace + 1)..<ms[index].range.upperBound
            }
            var out = current.bytes
            out.removeSubrange(cut)
            current = try JSONObjectText(String(decoding: out, as: UTF8.self))
        }
        return current.text
    }

    private struct Invalid: Error {}

    private mutating func scan() throws {
        skipSpace()
        guard peek == UInt8(ascii: "{") else { throw Invalid() }
        openBrace = i
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "}") { return }
        while true {
            skipSpace()
            let start = i
            let key = try readString()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw Invalid() }
            i += 1
            skipSpace()
            try skipValue()
            members.append(Member(key: key, range: start..<i))
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "}") { return }
            throw Invalid()
        }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
    }

    private mutating func readString() throws -> String {
        guard peek == UInt8(ascii: "\"") else { throw Invalid() }
        i += 1
        let start = i
        while let b = peek, b != UInt8(ascii: "\"") {
            i += b == UInt8(ascii: "\\") ? 2 : 1
        }
        guard peek != nil else { throw Invalid() }
        let raw = String(decoding: bytes[start..<i], as: UTF8.self)
        i += 1
        return raw
    }

    private mutating func skipValue() throws {
        guard let b = peek else { throw Invalid() }
        switch b {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while let c = peek {
                if c == UInt8(ascii: "\"") { _ = try readString(); continue }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
                i += 1
                if depth == 0 { return }
            }
            throw Invalid()
        default:
            while let c = peek, !(c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]")
                                  || c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { i += 1 }
        }
    }
}
