/// How systemd reads an `EnvironmentFile=` (docker.service reads /etc/sysconfig/docker so):
/// a port of `parse_env_file_internal` (src/basic/env-file.c) and of the checks the values
/// then pass (`load_env_file_push`: keys and values must be UTF-8; the service manager drops
/// an assignment whose name is no valid variable name, `env_name_is_valid`).
///
/// Where it differs from bash: `#` and `;` start a comment only at the start of a line; a
/// value runs to the end of the line (`A="x"; B=2` is A=`x; B=2`, `A=1 # c` is A=`1 # c`);
/// quotes count only at the start of the value or right after a closing quote; `\r` ends a
/// line; `export A=1` and `A+=1` name no valid variable and are dropped; a NUL ends the file;
/// nothing is expanded. systemd before 254 also reads the line after a comment ending in a
/// backslash as part of that comment (`COMMENT_ESCAPE`), from 254 on it does not.
///
/// A key or value that is not UTF-8 fails the whole file, whatever its name:
/// `check_utf8ness_and_warn` logs "…, ignoring." but returns EINVAL, and the parse stops with it
/// (attack 18, A-F15: a booted systemd 252 failed docker.service's start, "resources"). No
/// assignment of such a file is applied.
enum SystemdEnvironmentReader {
    struct Assignment: Equatable {
        var name: [UInt8]
        var value: [UInt8]
        /// 1-based line (counted in `\n`, as bash counts) where the name starts.
        var line: Int
    }

    private enum State {
        case preKey, key, preValue, value, valueEscape, singleQuote, doubleQuote, doubleQuoteEscape, comment, commentEscape
    }

    /// What systemd makes of a file: the assignments it applies, in file order, or the first
    /// one whose name or value is not UTF-8, which fails the whole file (then `assignments` is empty).
    struct Reading: Equatable {
        var assignments: [Assignment]
        var notUTF8: Assignment?
    }

    /// The assignments systemd applies, in file order (none when it refuses the file).
    /// `commentBackslashContinues`: the reading of systemd before 254.
    static func assignments(in bytes: [UInt8], commentBackslashContinues: Bool) -> [Assignment] {
        reading(of: bytes, commentBackslashContinues: commentBackslashContinues).assignments
    }

    static func reading(of bytes: [UInt8], commentBackslashContinues: Bool) -> Reading {
        let newline: Set<UInt8> = [0x0A, 0x0D]
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        let needEscape: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "$")]
        let backslash = UInt8(ascii: "\\")
        var result: [Assignment] = []
        var state = State.preKey
        var key: [UInt8] = [], value: [UInt8] = []
        var keyWhitespace: Int? = nil, valueWhitespace: Int? = nil
        var line = 1, keyLine = 1
        var notUTF8: Assignment? = nil

        func push() {
            var name = key
            if let cut = keyWhitespace { name.removeSubrange(cut...) }
            var v = value
            if state == .value, let cut = valueWhitespace { v.removeSubrange(cut...) }
            if String(validating: name, as: UTF8.self) == nil || String(validating: v, as: UTF8.self) == nil {
                if notUTF8 == nil { notUTF8 = Assignment(name: name, value: v, line: keyLine) }
            } else if isValidName(name) {
                result.append(Assignment(name: name, value: v, line: keyLine))
            }
            key = []
            value = []
        }

        for c in bytes {
            if notUTF8 != nil { break }
            if c == 0 { return Reading(assignments: result, notUTF8: nil) } // read as a C string: nothing after a NUL, nothing half read
            switch state {
            case .preKey:
                if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") {
                    state = .comment
                } else if !whitespace.contains(c) {
                    state = .key
                    keyWhitespace = nil
                    keyLine = line
                    key.append(c)
                }
            case .key:
                if newline.contains(c) {
                    state = .preKey
                    key = []
                } else if c == UInt8(ascii: "=") {
                    state = .preValue
                    valueWhitespace = nil
                } else {
                    if !whitespace.contains(c) { keyWhitespace = nil } else if keyWhitespace == nil { keyWhitespace = key.count }
                    key.append(c)
                }
            case .preValue:
                if newline.contains(c) {
                    push()
                    state = .preKey
                } else if c == UInt8(ascii: "'") {
                    state = .singleQuote
                } else if c == UInt8(ascii: "\"") {
                    state = .doubleQuote
                } else if c == backslash {
                    state = .valueEscape
                } else if !whitespace.contains(c) {
                    state = .value
                    value.append(c)
                }
            case .value:
                if newline.contains(c) {
                    push()
                    state = .preKey
                } else if c == backslash {
                    state = .valueEscape
                    valueWhitespace = nil
                } else {
                    if !whitespace.contains(c) { valueWhitespace = nil } else if valueWhitespace == nil { valueWhitespace = value.count }
                    value.append(c)
                }
            case .valueEscape:
                state = .value
                if !newline.contains(c) { value.append(c) }
            case .singleQuote:
                if c == UInt8(ascii: "'") { state = .preValue } else { value.append(c) }
            case .doubleQuote:
                if c == UInt8(ascii: "\"") {
                    state = .preValue
                } else if c == backslash {
                    state = .doubleQuoteEscape
                } else {
                    value.append(c)
                }
            case .doubleQuoteEscape:
                state = .doubleQuote
                if needEscape.contains(c) {
                    value.append(c)
                } else if c != 0x0A {
                    value += [backslash, c]
                }
            case .comment:
                if c == backslash {
                    state = .commentEscape
                } else if newline.contains(c) {
                    state = .preKey
                }
            case .commentEscape:
                state = commentBackslashContinues || !newline.contains(c) ? .comment : .preKey
            }
            if c == 0x0A { line += 1 }
        }
        if notUTF8 == nil, [.preValue, .value, .valueEscape, .singleQuote, .doubleQuote, .doubleQuoteEscape].contains(state) { push() }
        return notUTF8.map { Reading(assignments: [], notUTF8: $0) } ?? Reading(assignments: result, notUTF8: nil)
    }

    /// `env_name_is_valid`: a letter or `_`, then letters, digits and `_`.
    static func isValidName(_ name: [UInt8]) -> Bool {
        guard let first = name.first else { return false }
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") }
        return letter(first) && name.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
