/// A word (a path, mostly) as a remedy's printed command must spell it so that pasting the
/// command into bash or sh runs exactly that command on exactly that path (attack 11 B06):
/// a path with a space, `|`, `$`, `"`, `\` or `'` printed bare would split, pipe or expand.
///
/// A word of only `A-Za-z0-9` and `_@%+=:,./-` stays as it is (what every usual path is);
/// any other is put in single quotes, each `'` in it written `'\''` (POSIX sh; bash's
/// `printf %q` reads it back the same). An empty word is `''`.
///
/// How it composes with the display escape: quoting comes first, on the word's own bytes;
/// the printed line then goes through `ShownBytes` (every `DockStoreError` message and every
/// check, status and plan line does), which leaves printable text, quotes and backslashes
/// included, as it is, and escapes control characters and invalid UTF-8 as `\n`, `\xNN`. So a
/// path of printable characters pastes back exactly; a path with a control character shows
/// escaped inside the quotes and is for reading, not pasting (bash would read `\n` as the two
/// characters). check's Nagios text also shows `|` as `\x7C` (the plugin separator), so a
/// path with `|` pastes exactly from status, a refusal, or check's JSON and Prometheus output.
public enum ShellWord {
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy(isPlain) { return word }
        var out = "'"
        for scalar in word.unicodeScalars {
            if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "_@%+=:,./-".utf8.contains(byte)
        }
    }
}

extension String {
    /// This string as one shell word (`ShellWord.quote`), for a command printed in a remedy.
    public var shellWord: String { ShellWord.quote(self) }
}
