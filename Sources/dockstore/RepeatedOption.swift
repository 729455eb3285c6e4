/// An option that takes one value, given more than once (attack 31 Q D2): swift-argument-parser
/// keeps the last silently, so `provision --root A --root B` made the store under B, and
/// `--device X --device Y` would format Y. A typo or a pasted line is as likely as intent in a
/// command that formats disks: dockstore refuses it (exit 64), naming both values.
/// Repeatable options (`backend --storage-opt`) and flags are not counted.
enum RepeatedOption {
    /// Every command's options that take one value, by long name, as `--experimental-dump-help`
    /// lists them (RepeatedOptionTests compares the two).
    static let singleValued: Set<String> = [
        "root", "image", "mountpoint", "lock-timeout", "size", "device", "volume-id", "fs", "wait", "mount-options", "to",
        "format", "textfile", "state-file", "warning", "critical", "metadata-warning", "metadata-critical",
        "unallocated-warning", "unallocated-critical", "host-warning", "host-critical", "error-hold", "budget", "io-budget",
    ]
    /// check's short names (`-w`, `-c`), after `CheckShortValues` split an attached value off.
    static let shortNames: [String: String] = ["-w": "warning", "-c": "critical"]

    /// The refusal for the first option given twice among `arguments` (the command's words,
    /// without the program's name), up to a `--`; nil when there is none, and when help or the
    /// version is asked for (the parser answers that first): `--help`, `-h` or `--version`
    /// anywhere, `help` only as the command (as a value, `--image help`, it is a path).
    static func refusal(_ arguments: [String]) -> String? {
        let words = arguments.prefix { $0 != "--" }
        if arguments.first == "help" || words.contains(where: { ["--help", "-h", "--version"].contains($0) }) { return nil }
        var seen: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" { break }
            let name: String
            var value: String?
            if let short = shortNames[word] {
                name = short
            } else if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    value = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
            } else {
                continue
            }
            guard singleValued.contains(name) else { continue }
            // Without a value (the last word, or an option next) the parser's "Missing value" says it.
            if value == nil, index < arguments.count, !arguments[index].hasPrefix("-") {
                value = arguments[index]
                index += 1
            }
            guard let given = value else { continue }
            if let first = seen[name] {
                return "--\(name) is given twice ('\(first)', then '\(given)'): give it once"
            }
            seen[name] = given
        }
        return nil
    }
}
