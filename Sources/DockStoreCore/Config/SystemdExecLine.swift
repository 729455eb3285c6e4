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
        for c in text {
            if escaped { word.append(c); escaped = false; inWord = true; continue }
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
