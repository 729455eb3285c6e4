/// A shell-variable file such as `/etc/sysconfig/docker`, edited the way a careful admin
/// would: only the value being changed is rewritten; every other byte (comments, SUSE's
/// `## Path/Type/Default` headers, other variables, unknown lines, a missing final newline)
/// stays as it was.
///
/// Only three kinds of line are accepted (`SysconfigParser`): blank lines, `#` comments not
/// ending in a backslash, and plain `NAME=value` assignments with nothing but blanks after
/// the value. Any other line — a command (`unset`, `read`, `return`, `export`, …), a keyword,
/// a `;` at the start, a backslash-newline continuation, an unquoted `~` bash would expand, a
/// CR line end — is refused with its line number, in the settings file too. Values are read as
/// bash reads an assignment: unquoted text with backslash escapes, single quotes, double quotes
/// (where `\` escapes only `$`, `` ` ``, `"` and `\`), and any mix of these. A value that bash
/// would expand (`$VAR`, `` `cmd` ``) cannot be known without running the shell; it is
/// reported as such and not rewritten.
///
/// docker.service reads the same file as an `EnvironmentFile=`, which systemd parses its own
/// way (`SystemdEnvironmentReader`). An assignment that means something else to bash than to
/// systemd — more after a value on its line (`;`, `&&`, a comment, another assignment),
/// `NAME+=`, an array element, `$`/backtick expansion, a quote inside a word, a NUL — is
/// refused with its line number: which reading is meant cannot be known, and an edit would
/// change one of them.
public struct SysconfigFile: Sendable {
    /// One `NAME=value` statement, possibly spread over several physical lines.
    public struct Assignment: Sendable, Equatable {
        public var name: String
        /// The value as the shell would assign it (quotes removed, escapes resolved), as bytes.
        public var valueBytes: [UInt8]
        /// `valueBytes` as text; nil when they are not UTF-8 (systemd's EnvironmentFile= then
        /// ignores the assignment: "not UTF-8 clean").
        public var utf8Value: String? { String(validating: valueBytes, as: UTF8.self) }
        /// `valueBytes` as text, bytes that are not UTF-8 shown as U+FFFD: for messages only.
        public var value: String { String(decoding: valueBytes, as: UTF8.self) }
        /// True when the raw value holds an unescaped `$` or backtick outside single quotes.
        public var expands: Bool
        public var exported: Bool
        /// 1-based line where the statement starts.
        public var line: Int
        /// Byte range of the raw value (after `=`) in the file.
        var valueRange: Range<Int>
    }

    public private(set) var bytes: [UInt8]
    public private(set) var assignments: [Assignment]
    /// Where the file came from, for messages.
    public let path: String

    /// Whether systemd reads the file too (as docker.service's EnvironmentFile= reads
    /// /etc/sysconfig/docker); dockstore's own settings file is read by dockstore alone.
    public let systemdReadsIt: Bool

    public init(path: String, bytes: [UInt8], systemdReadsIt: Bool = true) throws {
        self.path = path
        self.bytes = bytes
        self.systemdReadsIt = systemdReadsIt
        self.assignments = try SysconfigParser.assignments(in: bytes, path: path)
        if systemdReadsIt { try SysconfigReaders.checkAgreement(bytes: bytes, bash: assignments, path: path) }
    }

    public init(path: String, text: String) throws {
        try self.init(path: path, bytes: Array(text.utf8))
    }

    /// The file as text, for showing it (bytes that are not UTF-8 become U+FFFD); write `bytes`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The assignment that wins (the last one, as in bash and systemd).
    public func assignment(_ name: String) -> Assignment? {
        assignments.last(where: { $0.name == name })
    }

    public func value(_ name: String) -> String? { assignment(name)?.value }

    /// Sets `name` to `value`, rewriting only the raw value of its last assignment, or
    /// appending `NAME="value"` when the file has none — after the whole-line comment `mark`,
    /// when one is given, so that the addition can be recognised and taken back later.
    public mutating func set(_ name: String, to value: String, markingAddition mark: String? = nil) throws {
        if value.contains("\n") || value.contains("\0") {
            throw DockStoreError.usage("the value for \(name) in \(path) would hold a line break; give it on one line")
        }
        let quoted = Array(Self.doubleQuoted(value).utf8)
        if let existing = assignment(name) {
            if existing.expands {
                throw DockStoreError.refused("\(path) line \(existing.line): \(name) uses shell expansion ($ or `); dockstore will not guess what it means: write the value out literally")
            }
            bytes.replaceSubrange(existing.valueRange, with: quoted)
        } else {
            if let last = bytes.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            if let mark { bytes.append(contentsOf: Array(mark.utf8) + [UInt8(ascii: "\n")]) }
            bytes.append(contentsOf: Array("\(name)=".utf8) + quoted + [UInt8(ascii: "\n")])
        }
        try reparse(keepingOthersThan: name)
        if assignment(name)?.utf8Value != value { throw unchangedOthersRefusal(name) }
    }

    /// Removes the statement `assignment` (one of this file's, of `name`) together with the
    /// whole-line comment `mark` right before it, when that line is exactly `mark`: every other
    /// byte stays. Returns false, changing nothing, when the line before is not `mark`.
    /// `endingLineBefore`: the mark says dockstore ended the line before it (the file's last
    /// line had no newline); when the statement is the last thing in the file, that newline
    /// goes too.
    public mutating func removeMarked(_ assignment: Assignment, mark: String, endingLineBefore: Bool = false) throws -> Bool {
        guard let markLine = line(assignment.line - 1), Array(bytes[markLine]) == Array(mark.utf8),
              markLine.upperBound < bytes.count else { return false }
        let end = bytes[assignment.valueRange.upperBound...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
        let start = endingLineBefore && end == bytes.count && markLine.lowerBound > 0 ? markLine.lowerBound - 1 : markLine.lowerBound
        bytes.removeSubrange(start..<end)
        try reparse(keepingOthersThan: assignment.name)
        return true
    }

    /// The bytes of the 1-based physical line `number`, without its newline; nil past the end.
    func line(_ number: Int) -> Range<Int>? {
        guard number >= 1 else { return nil }
        var start = 0
        for _ in 1..<number {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            start = newline + 1
        }
        guard start < bytes.count || number == 1 else { return nil }
        return start..<(bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count)
    }

    /// The physical lines `assignment` spans, from the start of its first line to the end of
    /// its value's line, without the newline.
    func statementLines(_ assignment: Assignment) -> Range<Int>? {
        guard let first = line(assignment.line) else { return nil }
        let end = bytes[assignment.valueRange.upperBound...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        return first.lowerBound..<end
    }

    /// Replaces the bytes in `range`; then both readers parse the file again, and nothing but
    /// `name` may read differently.
    mutating func replace(_ range: Range<Int>, with replacement: [UInt8], keepingOthersThan name: String) throws {
        bytes.replaceSubrange(range, with: replacement)
        try reparse(keepingOthersThan: name)
    }

    /// Parses the edited bytes again (both readers) and refuses when the edit changed what any
    /// assignment other than `name` means (a last line ending in a backslash and no newline
    /// would swallow an appended line, as bash reads it).
    private mutating func reparse(keepingOthersThan name: String) throws {
        let before = assignments
        assignments = try SysconfigParser.assignments(in: bytes, path: path)
        if systemdReadsIt { try SysconfigReaders.checkAgreement(bytes: bytes, bash: assignments, path: path) }
        let others = { (list: [Assignment]) in list.filter { $0.name != name }.map { Array($0.name.utf8) + [0] + $0.valueBytes } }
        if others(assignments) != others(before) { throw unchangedOthersRefusal(name) }
    }

    private func unchangedOthersRefusal(_ name: String) -> DockStoreError {
        DockStoreError.refused("\(path) cannot take \(name) without changing how its other lines read (does its last line end with a backslash and no newline?); end that line and re-run")
    }

    /// A double-quoted word that bash and systemd's EnvironmentFile= both read back as `value`.
    /// Scalar by scalar, not by Character: a quote followed by a combining mark is one
    /// Character to Swift but still a quote to bash.
    public static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "\"" || scalar == "$" || scalar == "`" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        out.append("\"")
        return out
    }
}
