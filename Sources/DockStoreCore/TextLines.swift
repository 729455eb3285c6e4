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
