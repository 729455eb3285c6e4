/// A shell-variable file such as `/etc/sysconfig/docker`, edited the way a careful admin
/// would: only the value being changed is rewritten; every other byte (comments, SUSE's
/// `## Path/Type/Default` headers, other variables, unknown lines, a missing final newline)
/// stays as it was.
///
/// Values are read as bash reads an assignment: unquoted text with backslash escapes,
/// single quotes, double quotes (where `\` escapes only `$`, `` ` ``, `"`, `\` and a
/// newline), backslash-newline continuations, and any mix of these. A value that bash
/// would expand (`$VAR`, `` `cmd` ``) cannot be known without running the shell; it is
/// reported as such and not rewritten.
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

    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        self.assignments = try SysconfigParser.assignments(in: bytes, path: path)
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
    /// appending `NAME="value"` when the file has none.
    public mutating func set(_ name: String, to value: String) throws {
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
            bytes.append(contentsOf: Array("\(name)=".utf8) + quoted + [UInt8(ascii: "\n")])
        }
        let before = assignments
        assignments = try SysconfigParser.assignments(in: bytes, path: path)
        // The edit must not change what any other line means (a last line ending in a
        // backslash and no newline would swallow an appended line, as bash reads it).
        let others = { (list: [Assignment]) in list.filter { $0.name != name }.map { Array($0.name.utf8) + [0] + $0.valueBytes } }
        if others(assignments) != others(before) || assignment(name)?.utf8Value != value {
            throw DockStoreError.refused("\(path) cannot take \(name) without changing how its other lines read (does its last line end with a backslash and no newline?); end that line and re-run")
        }
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

/// The lexer behind `SysconfigFile`: a byte scanner that knows bash's quoting rules for
/// assignments and skips everything else line by line.
struct SysconfigParser {
    let bytes: [UInt8]
    let path: String
    private var i = 0
    private var line = 1

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    private static let newline = UInt8(ascii: "\n")

    private func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
    private func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == UInt8(ascii: "_")
    }
    private func isNameChar(_ b: UInt8) -> Bool { isNameStart(b) || (b >= 0x30 && b <= 0x39) }

    static func assignments(in bytes: [UInt8], path: String) throws -> [SysconfigFile.Assignment] {
        var parser = SysconfigParser(bytes: bytes, path: path)
        return try parser.parse()
    }

    mutating func parse() throws -> [SysconfigFile.Assignment] {
        var result: [SysconfigFile.Assignment] = []
        while i < bytes.count {
            let startLine = line
            while i < bytes.count, isBlank(bytes[i]) { i += 1 }
            var exported = false
            if startsWord("export") {
                i += 6
                exported = true
                while i < bytes.count, isBlank(bytes[i]) { i += 1 }
            }
            let nameStart = i
            if i < bytes.count, isNameStart(bytes[i]) {
                while i < bytes.count, isNameChar(bytes[i]) { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "=") {
                    let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
                    i += 1
                    let valueStart = i
                    let (value, expands) = try readValue(startLine: startLine)
                    result.append(.init(name: name, valueBytes: value, expands: expands, exported: exported,
                                        line: startLine, valueRange: valueStart..<i))
                    // After a value only blanks, a comment or `;` and another statement may
                    // follow. bash reads `A=1 B=2` as two assignments and `A=1 cmd` as none (A
                    // only for cmd), systemd as one value "1 B=2": such a line means different
                    // things to the two readers, so it is refused.
                    var j = i
                    while j < bytes.count, isBlank(bytes[j]) { j += 1 }
                    if j < bytes.count, bytes[j] == UInt8(ascii: ";") {
                        i = j + 1
                        continue
                    }
                    guard j >= bytes.count || bytes[j] == Self.newline || bytes[j] == UInt8(ascii: "#") else {
                        throw DockStoreError.refused("\(path) line \(startLine): \(name)=… is followed by more on the same line, which bash and systemd read differently; put one assignment per line, with the value quoted")
                    }
                    i = j
                    skipComment()
                    continue
                }
            }
            skipCommand()
        }
        return result
    }

    /// Skips a line that is not an assignment the way bash reads it: quotes and
    /// backslash-newline continue it onto the next lines, a `#` at the start of a word begins
    /// a comment, and an unquoted `;` ends the command (an assignment may follow).
    private mutating func skipCommand() {
        let backslash = UInt8(ascii: "\\")
        var quote: UInt8? = nil
        var wordStart = true
        while i < bytes.count {
            let b = bytes[i]
            if let q = quote {
                if b == q {
                    quote = nil
                } else if b == backslash, q == UInt8(ascii: "\""), i + 1 < bytes.count {
                    i += 1
                    if bytes[i] == Self.newline { line += 1 }
                } else if b == Self.newline {
                    line += 1
                }
                i += 1
                continue
            }
            switch b {
            case Self.newline:
                i += 1
                line += 1
                return
            case UInt8(ascii: ";"):
                i += 1
                return
            case UInt8(ascii: "#") where wordStart:
                skipComment()
                return
            case backslash:
                i += 1
                if i < bytes.count, bytes[i] == Self.newline { line += 1 }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = b
            default:
                break
            }
            wordStart = isBlank(b)
            i += 1
        }
    }

    /// Skips to the end of the line (a comment, or nothing), past its newline.
    private mutating func skipComment() {
        while i < bytes.count, bytes[i] != Self.newline { i += 1 }
        if i < bytes.count {
            i += 1
            line += 1
        }
    }

    private func startsWord(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count < bytes.count, Array(bytes[i..<i + w.count]) == w else { return false }
        return isBlank(bytes[i + w.count])
    }

    /// Reads one shell word starting at `i`, leaving `i` on the first byte after it.
    private mutating func readValue(startLine: Int) throws -> ([UInt8], Bool) {
        var out: [UInt8] = []
        var expands = false
        let backslash = UInt8(ascii: "\\")
        while i < bytes.count {
            let b = bytes[i]
            if isBlank(b) || b == Self.newline || b == UInt8(ascii: ";") { break }
            switch b {
            case backslash:
                if i + 1 < bytes.count {
                    if bytes[i + 1] == Self.newline { line += 1 } else { out.append(bytes[i + 1]) }
                    i += 2
                } else {
                    out.append(backslash) // bash keeps a backslash at the very end of the file
                    i += 1
                }
            case UInt8(ascii: "'"):
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "'") {
                    if bytes[i] == Self.newline { line += 1 }
                    out.append(bytes[i])
                    i += 1
                }
                guard i < bytes.count else { throw unterminated("'", startLine) }
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    let c = bytes[i]
                    if c == backslash, i + 1 < bytes.count {
                        let next = bytes[i + 1]
                        if next == Self.newline {
                            line += 1
                        } else if next == UInt8(ascii: "$") || next == UInt8(ascii: "`")
                                    || next == UInt8(ascii: "\"") || next == backslash {
                            out.append(next)
                        } else {
                            out.append(c)
                            out.append(next)
                        }
                        i += 2
                        continue
                    }
                    if c == UInt8(ascii: "$") || c == UInt8(ascii: "`") { expands = true }
                    if c == Self.newline { line += 1 }
                    out.append(c)
                    i += 1
                }
                guard i < bytes.count else { throw unterminated("\"", startLine) }
                i += 1
            default:
                if b == UInt8(ascii: "$") || b == UInt8(ascii: "`") { expands = true }
                out.append(b)
                i += 1
            }
        }
        return (out, expands)
    }

    private func unterminated(_ quote: String, _ startLine: Int) -> DockStoreError {
        DockStoreError.refused("\(path) line \(startLine): the quote \(quote) is never closed; fix the file by hand (bash could not read it either)")
    }
}
