/// What libmount makes of one physical fstab line (util-linux libmount/src/tab_parse.c),
/// byte for byte: blanks before a `#` or nothing make a comment; one "\r" before the line's
/// end is dropped (a CRLF file); fields are separated by spaces and tabs; source, target and
/// type are required, options, dump and pass optional; dump and pass must be numbers; a NUL
/// byte ends what libmount reads of the line, so such a line is a parse error there.
public enum FstabLine: Sendable, Equatable {
    /// A comment or a blank line.
    case comment
    case entry(FstabEntry)
    /// A line libmount would not read as a mount line, or one whose fields are not UTF-8;
    /// `fields` are its fields with escapes resolved, to see whether it names the store.
    case unreadable(reason: String, fields: [[UInt8]])

    public static func parse(_ line: [UInt8]) -> FstabLine {
        var end = line.count
        if end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let content = line[..<end]
        let fields = content.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        guard let first = fields.first, first.first != UInt8(ascii: "#") else { return .comment }
        let unescaped = fields.map { FstabEscape.unescape($0) }
        if line.contains(0) {
            return .unreadable(reason: "it holds a NUL byte", fields: unescaped)
        }
        guard fields.count >= 3 else {
            return .unreadable(reason: "it needs at least source, mountpoint and type", fields: unescaped)
        }
        var text: [String] = []
        for field in unescaped.prefix(6) {
            guard let decoded = String(validating: field, as: UTF8.self) else {
                return .unreadable(reason: "it holds bytes that are not UTF-8 (\(ShownBytes.text(field)))", fields: unescaped)
            }
            text.append(decoded)
        }
        for number in text.dropFirst(4) where Int32(number) == nil {
            return .unreadable(reason: "its dump or pass field '\(number)' is not a number", fields: unescaped)
        }
        let options = text.count > 3 ? MountOptionList.split(text[3]) : ["defaults"]
        return .entry(FstabEntry(source: text[0], target: text[1], fstype: text[2], options: options,
                                 dump: text.count > 4 ? text[4] : "0", pass: text.count > 5 ? text[5] : "0"))
    }
}

/// Mount options split as libmount splits them (util-linux lib/strutils.c `ul_optstr_next`):
/// at commas outside double quotes and not after a backslash; empty items are dropped.
public enum MountOptionList {
    public static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var options: [String] = []
        var start = 0
        var quoted = false
        for (index, byte) in bytes.enumerated() {
            let escaped = index > 0 && bytes[index - 1] == UInt8(ascii: "\\")
            if byte == UInt8(ascii: "\""), !escaped { quoted.toggle() }
            if quoted { continue }
            if byte == UInt8(ascii: ","), !escaped {
                if index > start { options.append(String(decoding: bytes[start..<index], as: UTF8.self)) }
                start = index + 1
            }
        }
        if bytes.count > start { options.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return options
    }
}
