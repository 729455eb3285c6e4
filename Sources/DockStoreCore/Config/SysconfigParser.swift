/// The lexer behind `SysconfigFile`: a byte scanner for the lines dockstore accepts in a
/// shell-variable file, and nothing else: blank lines, `#` comments (not ending in a
/// backslash) and plain `NAME=value` assignments, the value a word of single-quoted,
/// double-quoted and bare parts with blanks only after it. Any other line — a command
/// (`unset`, `read`, `printf -v`, `return`, `export`), a keyword, a `;` at the start, a
/// backslash-newline continuation, an unquoted `~` bash would expand, a CR line end — is
/// refused with its line number: bash may read it as something no scanner can follow.
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
    private static let carriageReturn = UInt8(ascii: "\r")
    /// Unquoted, these end a word for bash (`A=1&&B=2` is two assignments).
    private static let metacharacters: Set<UInt8> = Set(";&|<>()".utf8)

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
            guard i < bytes.count else { break }
            if bytes[i] == Self.newline {
                i += 1
                line += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "#") {
                try readComment(startLine: startLine)
                continue
            }
            let nameStart = i
            while i < bytes.count, i == nameStart ? isNameStart(bytes[i]) : isNameChar(bytes[i]) { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            guard !name.isEmpty, i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                i = nameStart
                if bytes[i...].prefix(while: { $0 != Self.newline }).contains(Self.carriageReturn) { throw carriageReturn(startLine) }
                throw notPlain(startLine, refusedConstruct(name: name))
            }
            i += 1
            let valueStart = i
            let (value, expands) = try readValue(startLine: startLine)
            result.append(.init(name: name, valueBytes: value, expands: expands, exported: false,
                                line: startLine, valueRange: valueStart..<i))
            // After a value only blanks may end the line. Whatever else follows — `;` or
            // `&&` and another statement, a command (`A=1 cmd` assigns nothing), a
            // comment — bash reads apart from the value and systemd as part of it
            // (`A="1"; B=2` is A=`1; B=2` to systemd).
            var j = i
            while j < bytes.count, isBlank(bytes[j]) { j += 1 }
            guard j >= bytes.count || bytes[j] == Self.newline else {
                if bytes[j] == Self.carriageReturn { throw carriageReturn(line) }
                let rest = Array(bytes[j...].prefix { $0 != Self.newline })
                let shown = ShownBytes.text(Array(rest.prefix(40))) + (rest.count > 40 ? "…" : "")
                throw notPlain(startLine, "'\(shown)' follows the value of \(name): bash reads it apart, systemd as part of the value")
            }
            i = j
        }
        return result
    }

    /// What the line at `i` is, for the refusal of a line that is no plain assignment: `name`
    /// is the shell name it starts with, if any.
    private func refusedConstruct(name: String) -> String {
        let rest = Array(bytes[i...].prefix { $0 != Self.newline })
        let after = name.isEmpty ? [] : Array(rest.dropFirst(name.utf8.count))
        if after.starts(with: Array("+=".utf8)) {
            return "bash appends to \(name) with +=, systemd ignores the line (\"\(name)+\" is no variable name to it)"
        }
        if after.first == UInt8(ascii: "[") {
            return "bash may set an element of the array \(name) there, systemd ignores the line"
        }
        if after.first == UInt8(ascii: "\\") { return "a backslash continues the name \(name) onto the next line for bash" }
        if rest.first == UInt8(ascii: ";") { return "bash stops reading the file at the ';' (a syntax error), systemd takes the line as a comment" }
        if rest.first == 0 { return "it holds a NUL byte, where systemd stops reading the file" }
        let word = rest.prefix { !isBlank($0) && $0 != UInt8(ascii: ";") }
        let shown = ShownBytes.text(Array(word.prefix(40))) + (word.count > 40 ? "…" : "")
        return "bash runs '\(shown)' there as a command, systemd ignores it or reads it otherwise"
    }

    /// Reads a comment line, from its `#` past its newline. A comment ending in a backslash is
    /// refused: systemd before 254 reads the next line as part of the comment.
    private mutating func readComment(startLine: Int) throws {
        let start = i
        while i < bytes.count, bytes[i] != Self.newline { i += 1 }
        let comment = bytes[start..<i]
        if comment.contains(Self.carriageReturn) { throw carriageReturn(startLine) }
        if comment.last == UInt8(ascii: "\\") {
            throw notPlain(startLine, "the comment ends in a backslash: systemd before 254 reads the next line as part of it, bash and later systemd do not")
        }
        if i < bytes.count {
            i += 1
            line += 1
        }
    }

    /// The refusal of a line outside the grammar dockstore accepts (blank lines, `#` comments,
    /// `NAME=value`): bash may read it as a command, and no reading of it could be kept safely.
    private func notPlain(_ line: Int, _ detail: String) -> DockStoreError {
        DockStoreError.refused("\(path) line \(line) is no blank line, # comment or NAME=value assignment (\(detail)); write it as NAME=\"value\" alone on its line, or remove it, and re-run")
    }

    private func carriageReturn(_ line: Int) -> DockStoreError {
        DockStoreError.refused("\(path) line \(line) ends in a carriage return (a Windows line end): bash keeps it in the value, systemd ends the line there; convert the file with dos2unix and re-run")
    }

    /// Reads one shell word starting at `i`, leaving `i` on the first byte after it.
    private mutating func readValue(startLine: Int) throws -> ([UInt8], Bool) {
        var out: [UInt8] = []
        var expands = false
        let backslash = UInt8(ascii: "\\")
        let valueStart = i
        while i < bytes.count {
            let b = bytes[i]
            if isBlank(b) || b == Self.newline || Self.metacharacters.contains(b) { break }
            switch b {
            case backslash:
                guard i + 1 < bytes.count, bytes[i + 1] != Self.newline else { throw continued(startLine) }
                out.append(bytes[i + 1])
                i += 2
            case UInt8(ascii: "~") where i == valueStart || bytes[i - 1] == UInt8(ascii: ":"):
                // Unquoted at the start of the value or after a `:`, bash expands it to a home folder.
                throw notPlain(startLine, "bash expands the unquoted ~ to a home folder, systemd takes it literally; quote it as '~' if it is meant literally")
            case Self.carriageReturn:
                throw carriageReturn(line)
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
                            throw continued(startLine)
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
                if b == UInt8(ascii: "$"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "(") {
                    // `(` ends an unquoted word, so the refusal below would call the rest
                    // "read apart" (attack 25 K2): bash runs it as a command.
                    throw notPlain(startLine, "an unquoted $( starts a command substitution: bash runs that command when it reads the file, systemd takes the text literally; write the value itself")
                }
                if b == UInt8(ascii: "$") || b == UInt8(ascii: "`") { expands = true }
                out.append(b)
                i += 1
            }
        }
        return (out, expands)
    }

    /// bash and systemd both read such lines as one value; dockstore edits a value only where
    /// it stands on one line, so it asks for the lines joined rather than guess the layout back.
    private func continued(_ startLine: Int) -> DockStoreError {
        DockStoreError.refused("\(path) line \(startLine) continues its value onto the next line (a backslash ends the line): bash and systemd read the lines as one value, dockstore reads and edits a value only on one line; join them into one NAME=\"value\" line and re-run")
    }

    private func unterminated(_ quote: String, _ startLine: Int) -> DockStoreError {
        DockStoreError.refused("\(path) line \(startLine): the quote \(quote) is never closed; fix the file by hand (bash could not read it either)")
    }
}
