/// The lines of a systemd unit file as systemd's config parser takes them: blank lines and
/// comments (`#`, `;`) skipped, a line ending in a backslash continued on the next (the
/// backslash becoming a blank; comment lines inside a continuation skipped), `[Section]`
/// headers given as a key of their own, and `Key=Value` with blanks around both trimmed.
enum UnitFileLines {
    static func entries(_ bytes: [UInt8]) -> [(key: String, value: String)] {
        var entries: [(key: String, value: String)] = []
        var pending: String? = nil
        // A continuation on the last line ends with the file: the empty line closes it.
        // Split on the byte: Swift takes "\r\n" as one Character, and systemd strips the CR
        // of a CRLF line as whitespace.
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        for raw in lines + [""] {
            var line = raw.trimmingWhitespace()
            if let head = pending {
                if line.hasPrefix("#") || line.hasPrefix(";") { continue }
                line = (head + " " + line).trimmingWhitespace()
                pending = nil
            } else if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                continue
            }
            if line.hasSuffix("\\") {
                pending = String(line.dropLast()).trimmingWhitespace()
                continue
            }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                entries.append((line, ""))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            entries.append((String(line[..<equals]).trimmingWhitespace(), String(line[line.index(after: equals)...]).trimmingWhitespace()))
        }
        return entries
    }
}
