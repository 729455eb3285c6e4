/// The lines of a systemd unit file as systemd 252's config parser takes them (`config_parse`
/// and `parse_line`, checked against `systemd --test` and `systemd-analyze verify`):
/// - a line ends at `\n`, `\r`, `\0`, or a pair of two different ones (`\r\n`, `\n\r`);
/// - a line longer than 1 MiB (LONG_LINE_MAX) fails the file;
/// - a line whose first non-blank is `#` or `;` is a comment, also inside a continuation;
/// - a line that ends in an odd number of backslashes continues on the next (that backslash
///   becoming a blank); a blank after it ends the line there;
/// - blanks are space, tab, CR and LF only (a no-break space is part of the text);
/// - a line that is not UTF-8, or a `[` header not ending in `]`, fails the file;
/// - a line without `=` is ignored; `Key=Value` with blanks around both trimmed.
/// A file that fails is read up to the line that failed: a unit file that fails cannot be
/// loaded (LoadState=error); a drop-in keeps what it set before it.
enum UnitFileLines {
    struct Failure: Equatable {
        /// The physical line (from 1) where systemd stops, as its log names it.
        var line: Int
        var reason: String
    }

    struct Reading {
        var entries: [(key: String, value: String)]
        var failure: Failure?
    }

    static let longLineMax = 1024 * 1024

    static func entries(_ bytes: [UInt8]) -> [(key: String, value: String)] { read(bytes).entries }

    static func read(_ bytes: [UInt8]) -> Reading {
        var entries: [(key: String, value: String)] = []
        var continuation: [UInt8]? = nil
        var number = 0
        for raw in physicalLines(bytes) {
            number += 1
            if raw.count > longLineMax {
                return Reading(entries: entries, failure: Failure(line: number, reason: "is longer than 1 MiB"))
            }
            let lead = raw.drop { isBlank($0) }
            if let first = lead.first, first == UInt8(ascii: "#") || first == UInt8(ascii: ";") { continue }
            var line = (continuation ?? []) + raw
            continuation = nil
            if line.count > longLineMax {
                return Reading(entries: entries, failure: Failure(line: number, reason: "continues past 1 MiB"))
            }
            var escaped = false
            for byte in line { escaped = escaped ? false : byte == UInt8(ascii: "\\") }
            if escaped {
                line[line.count - 1] = 0x20
                continuation = line
                continue
            }
            switch parse(line) {
            case .skip: continue
            case .entry(let key, let value): entries.append((key, value))
            case .fail(let reason): return Reading(entries: entries, failure: Failure(line: number, reason: reason))
            }
        }
        if let pending = continuation, case .entry(let key, let value) = parse(pending) { entries.append((key, value)) }
        return Reading(entries: entries, failure: nil)
    }

    private enum Parsed {
        case skip
        case entry(String, String)
        case fail(String)
    }

    private static func parse(_ line: [UInt8]) -> Parsed {
        let stripped = strip(line[...])
        if stripped.isEmpty { return .skip }
        guard let text = String(validating: stripped, as: UTF8.self) else { return .fail("is not UTF-8") }
        if stripped.first == UInt8(ascii: "[") {
            guard stripped.count > 1, stripped.last == UInt8(ascii: "]") else { return .fail("is an invalid section header") }
            return .entry(text, "")
        }
        guard let equals = stripped.firstIndex(of: UInt8(ascii: "=")) else { return .skip }
        let key = String(decoding: strip(stripped[..<equals]), as: UTF8.self)
        let value = String(decoding: strip(stripped[stripped.index(after: equals)...]), as: UTF8.self)
        return .entry(key, value)
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private static func strip(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes.drop { isBlank($0) }
        while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
        return slice
    }

    /// `read_line`: `\n`, `\r` and `\0` end a line; two different ones in a row are one end.
    static func physicalLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        func end(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D || b == 0 }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, i = 0
        while i < bytes.count {
            guard end(bytes[i]) else { i += 1; continue }
            lines.append(bytes[start..<i])
            if bytes[i] != 0, i + 1 < bytes.count, end(bytes[i + 1]), bytes[i + 1] != 0, bytes[i + 1] != bytes[i] { i += 1 }
            i += 1
            start = i
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }
}
