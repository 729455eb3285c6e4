/// `/etc/fstab`, kept line by line so that an edit changes only the line it must: every
/// other line and comment stays byte for byte, and a missing final newline stays missing
/// unless a line is appended.
public struct FstabFile: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// The line's text without its newline.
        public var raw: String
        /// The parsed entry, nil for comments, blank and unparsable lines.
        public var entry: FstabEntry?
    }

    public private(set) var lines: [Line]
    public private(set) var endsWithNewline: Bool

    public init(text: String) {
        var parts = text.newlineSeparatedLines()
        endsWithNewline = text.isEmpty || text.endsWithNewlineByte
        if endsWithNewline { parts.removeLast() }
        lines = parts.map { raw in
            let trimmed = raw.trimmingWhitespace()
            let entry = (trimmed.isEmpty || trimmed.hasPrefix("#")) ? nil : FstabEntry(line: raw)
            return Line(raw: raw, entry: entry)
        }
    }

    public var text: String {
        guard !lines.isEmpty else { return "" }
        return lines.map(\.raw).joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    /// Entries (with their 0-based line index) that mount something at `target`.
    public func entries(mountingAt target: HostPath) -> [(index: Int, entry: FstabEntry)] {
        lines.enumerated().compactMap { index, line in
            guard let entry = line.entry, entry.normalizedTarget == target.string else { return nil }
            return (index, entry)
        }
    }

    /// Entries whose source is `source` (a path, normalized).
    public func entries(withSource source: String) -> [(index: Int, entry: FstabEntry)] {
        lines.enumerated().compactMap { index, line in
            guard let entry = line.entry, entry.normalizedSource == source else { return nil }
            return (index, entry)
        }
    }

    public mutating func replace(lineAt index: Int, with entry: FstabEntry) {
        lines[index] = Line(raw: entry.rendered, entry: entry)
    }

    public mutating func append(_ entry: FstabEntry) {
        lines.append(Line(raw: entry.rendered, entry: entry))
        endsWithNewline = true
    }

    public mutating func remove(lineAt index: Int) {
        lines.remove(at: index)
    }
}
