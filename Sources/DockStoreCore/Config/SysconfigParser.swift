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
    /// Unquoted, these end a word for bash (`A=1&&B=2` is two assignments).
    private static let metacharacters: Set<UInt8> = Set(";&|<>()".utf8)
    private static let reservedWords = ["if", "then", "else", "elif", "do", "while", "until", "!", "{"]

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
            if let word = reservedWord() {
                // `if`, `then`, `do`, `!`, …: a command (maybe an assignment) follows on the line.
                i += word
                continue
            }
            let nameStart = i
            if i < bytes.count, isNameStart(bytes[i]) {
                while i < bytes.count, isNameChar(bytes[i]) { i += 1 }
                let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
                if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "+"), bytes[i + 1] == UInt8(ascii: "=") {
                    throw SysconfigReaders.differ(path, startLine, "bash appends to \(name) with +=, systemd ignores the line (\"\(name)+\" is no variable name to it)")
                }
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    throw SysconfigReaders.differ(path, startLine, "bash may set an element of the array \(name) there, systemd ignores the line")
                }
                if i < bytes.count, bytes[i] == UInt8(ascii: "=") {
                    i += 1
                    let valueStart = i
                    let (value, expands) = try readValue(startLine: startLine)
                    result.append(.init(name: name, valueBytes: value, expands: expands, exported: exported,
                                        line: startLine, valueRange: valueStart..<i))
                    // After a value only blanks may end the line. Whatever else follows — `;` or
                    // `&&` and another statement, a command (`A=1 cmd` assigns nothing), a
                    // comment — bash reads apart from the value and systemd as part of it
                    // (`A="1"; B=2` is A=`1; B=2` to systemd).
                    var j = i
                    while j < bytes.count, isBlank(bytes[j]) { j += 1 }
                    guard j >= bytes.count || bytes[j] == Self.newline else {
                        let rest = Array(bytes[j...].prefix { $0 != Self.newline })
                        let shown = ShownBytes.text(Array(rest.prefix(40))) + (rest.count > 40 ? "…" : "")
                        throw SysconfigReaders.differ(path, startLine, "'\(shown)' follows the value of \(name): bash reads it apart, systemd as part of the value")
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
            case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "("), UInt8(ascii: ")"):
                // Another command (maybe an assignment) may follow: `true && A=1`.
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

    /// The length of a reserved word (and the blanks after it) at `i`, if one starts there.
    private func reservedWord() -> Int? {
        for word in Self.reservedWords {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { continue }
            var j = i + w.count
            guard j == bytes.count || isBlank(bytes[j]) || bytes[j] == Self.newline || bytes[j] == UInt8(ascii: ";") else { continue }
            while j < bytes.count, isBlank(bytes[j]) { j += 1 }
            return j - i
        }
        return nil
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
            if isBlank(b) || b == Self.newline || Self.metacharacters.contains(b) { break }
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
