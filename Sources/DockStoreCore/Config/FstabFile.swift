/// `/etc/fstab`, kept line by line as bytes so that an edit changes only the line it must:
/// every other line and comment stays byte for byte (whatever bytes it holds: not UTF-8, CR,
/// NUL, very long). A line dockstore appends always ends with a newline (an admin's later
/// `echo LINE >> /etc/fstab` must not glue onto it); a file whose last line had none gets the
/// comment `endedLineMark` between that line and the new one, so that removing the new line
/// again also takes back the newline and gives the file back byte for byte. A file dockstore
/// creates starts with the comment `createdMark` (`FstabFile+Marks`).
public struct FstabFile: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// The line's bytes without its newline.
        public var raw: [UInt8]
        /// What libmount reads there.
        public var parsed: FstabLine
        /// The parsed entry, nil for comments, blank and unreadable lines.
        public var entry: FstabEntry? {
            if case .entry(let entry) = parsed { return entry }
            return nil
        }

        init(raw: [UInt8]) {
            self.raw = raw
            parsed = FstabLine.parse(raw)
        }
    }

    public private(set) var lines: [Line]
    public private(set) var endsWithNewline: Bool

    public init(bytes: [UInt8]) {
        var parts = bytes.newlineSeparatedLines()
        endsWithNewline = bytes.isEmpty || bytes.last == UInt8(ascii: "\n")
        if endsWithNewline { parts.removeLast() }
        lines = parts.map(Line.init(raw:))
    }

    public init(text: String) { self.init(bytes: Array(text.utf8)) }

    public var bytes: [UInt8] {
        guard !lines.isEmpty else { return [] }
        var out: [UInt8] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            out += line.raw
        }
        if endsWithNewline { out.append(UInt8(ascii: "\n")) }
        return out
    }

    /// The file as text, for showing it (bytes that are not UTF-8 become U+FFFD); write `bytes`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Entries (with their 0-based line index) that mount something at `target`.
    public func entries(mountingAt target: HostPath) -> [(index: Int, entry: FstabEntry)] {
        lines.enumerated().compactMap { index, line in
            guard let entry = line.entry, entry.normalizedTarget.sameBytes(target.string) else { return nil }
            return (index, entry)
        }
    }

    /// Entries whose source is `source` (a path, normalized).
    public func entries(withSource source: String) -> [(index: Int, entry: FstabEntry)] {
        lines.enumerated().compactMap { index, line in
            guard let entry = line.entry, entry.normalizedSource.sameBytes(source) else { return nil }
            return (index, entry)
        }
    }

    public mutating func replace(lineAt index: Int, with entry: FstabEntry) {
        lines[index] = Line(raw: entry.renderedBytes)
    }

    /// Appends `entry` as the last line, ending with a newline; a file whose last line had no
    /// newline gets `endedLineMark` before the new line, so `remove(lineAt:)` of that line
    /// restores every byte.
    public mutating func append(_ entry: FstabEntry) {
        if !endsWithNewline && !lines.isEmpty { lines.append(Line(raw: Array(Self.endedLineMark.utf8))) }
        endsWithNewline = true
        lines.append(Line(raw: entry.renderedBytes))
    }

    /// Ends the line at `index` with a newline when it is the last line and has none (an
    /// adopted or kept store line): an admin's later `echo LINE >> /etc/fstab` would glue onto
    /// it, and libmount then reads neither mount. No mark is needed for teardown: it removes
    /// that line, and with it the newline. Returns whether anything changed.
    public mutating func endLine(at index: Int) -> Bool {
        guard index == lines.count - 1, !endsWithNewline else { return false }
        endsWithNewline = true
        return true
    }

    /// Removes the line; a line right after `endedLineMark` takes the mark with it, and when
    /// it was the last line, the newline the mark says dockstore added. An unmarked last line
    /// without a newline goes alone: the newline before it ends the line above, which stays
    /// ended (`A\nLINE` becomes `A\n`, so a line appended later does not glue onto `A`).
    public mutating func remove(lineAt index: Int) {
        lines.remove(at: index)
        guard index >= 1, lines[index - 1].raw == Array(Self.endedLineMark.utf8) else {
            if index == lines.count, !lines.isEmpty { endsWithNewline = true }
            return
        }
        lines.remove(at: index - 1)
        if index - 1 == lines.count { endsWithNewline = lines.isEmpty }
    }
}
