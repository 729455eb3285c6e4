/// An `ExecStart=` line as systemd 252 reads it (`config_parse_exec`, `replace_env_argv`):
/// special prefixes on the executable (`-@:+!|`), then words split at blanks with double and
/// single quotes and backslash escapes removed. A word that is `$NAME` after unquoting is
/// replaced by the variable's value split at whitespace; `${NAME}` by the value as one word;
/// with the `:` prefix nothing is replaced. With `@` the second word is argv[0], which dockerd
/// never parses as an option.
struct SystemdExecLine: Equatable {
    var prefixes: Set<Character>
    /// The executable and its arguments, unquoted.
    var words: [String]

    init(_ line: String) {
        var rest = Substring(line)
        var prefixes: Set<Character> = []
        while let first = rest.first, "-@:+!|".contains(first) {
            prefixes.insert(first)
            rest = rest.dropFirst()
        }
        self.prefixes = prefixes
        words = Self.split(rest)
    }

    static func split(_ text: Substring) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if escaped {
                escaped = false
                inWord = true
                // C escapes (EXTRACT_CUNESCAPE): `\x24DOCKER_OPTS` is `$DOCKER_OPTS` (attack 19, D-F11)
                if let (decoded, used) = cEscape(c, chars) { word.append(decoded); chars = chars.dropFirst(used); continue }
                word.append(c)
                continue
            }
            if c == "\\" && quote != "'" { escaped = true; continue }
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
                continue
            }
            if c == "\"" || c == "'" { quote = c; inWord = true; continue }
            if c == " " || c == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
                continue
            }
            word.append(c)
            inWord = true
        }
        if inWord { words.append(word) }
        return words
    }

    /// systemd's `cunescape_one` for the character after a backslash: a named control character,
    /// `\s` (a blank), `\xNN`, `\NNN` (octal); the decoded character and how many characters
    /// after `c` it used, or nil for an escape that stands for `c` itself.
    static func cEscape(_ c: Character, _ rest: ArraySlice<Character>) -> (Character, Int)? {
        let named: [Character: Character] = ["a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}", "s": " "]
        if let control = named[c] { return (control, 0) }
        if c == "x", rest.count >= 2, let value = UInt8(String(rest.prefix(2)), radix: 16), value > 0 {
            return (Character(Unicode.Scalar(value)), 2)
        }
        if ("0"..."7").contains(c), rest.count >= 2, let value = UInt16(String([c] + rest.prefix(2)), radix: 8), value > 0, value < 256 {
            return (Character(Unicode.Scalar(UInt8(value))), 2)
        }
        return nil
    }

    /// The arguments dockerd parses as options (after the executable, and after argv[0] with `@`).
    var options: ArraySlice<String> { words.dropFirst(prefixes.contains("@") ? 2 : 1) }

    /// Whether `$NAME` reaches the program as words of their own.
    func passesSplit(_ name: String) -> Bool {
        !prefixes.contains(":") && options.contains("$" + name)
    }

    /// Whether `${NAME}` is there: systemd passes the whole value as one argument.
    func passesWhole(_ name: String) -> Bool {
        !prefixes.contains(":") && options.contains { $0 == "${\(name)}" }
    }

    /// dockerd's options that set storage (its pflag rules: `--name`, `--name=value`, and a
    /// shorthand `-s`/`-g` alone, with its value attached, or after boolean shorthands such as
    /// `-D`), the first found.
    func storageFlag() -> String? {
        let long = ["--storage-driver", "--storage-opt", "--graph", "--data-root"]
        let booleans: Set<Character> = ["D", "v", "h"]
        for word in options {
            if long.contains(where: { word == $0 || word.hasPrefix($0 + "=") }) { return word }
            guard word.hasPrefix("-"), !word.hasPrefix("--") else { continue }
            for c in word.dropFirst() {
                if c == "s" || c == "g" { return word }
                if !booleans.contains(c) { break }
            }
        }
        return nil
    }
}
