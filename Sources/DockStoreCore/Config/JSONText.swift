import FoundationEssentials

/// JSON text as dockstore prints it: sorted keys, slashes unescaped, pretty unless asked not to.
/// A character that does not print (`ShownBytes.isPrintable`: a bidirectional control in a path
/// read from the mount table, say) is written as a `\uXXXX` escape, which every JSON reader
/// decodes to the same string, so JSON shown on a terminal cannot change how it displays either.
enum JSONText {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return escapingUnprintable(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// `text` (JSON) with each character that does not print as `\uXXXX` (a surrogate pair
    /// beyond U+FFFF). Outside strings JSON holds only printable ASCII, so only string
    /// contents change, and only in their spelling.
    static func escapingUnprintable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !ShownBytes.isPrintable($0) && $0 != "\n" }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || ShownBytes.isPrintable(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    let digits = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
            }
        }
        return out
    }
}
