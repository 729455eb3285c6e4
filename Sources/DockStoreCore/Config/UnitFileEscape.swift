/// A path as the value of a systemd unit-file setting that takes a list of paths
/// (`RequiresMountsFor=`): systemd splits the value into words, removing quotes and resolving
/// backslash escapes, then resolves `%` specifiers. So `%` is written `%%`, and a path with a
/// backslash, a quote or an apostrophe is written in double quotes with `\` and `"` escaped.
/// Checked against systemd itself: `systemd-analyze verify` reads the drop-in and names the
/// mount unit it requires, which `systemd-escape --path --suffix=mount` names for the path
/// (UnitFileEscapeOracleTests).
public enum UnitFileEscape {
    public static func pathWord(_ path: String) -> String {
        var body = ""
        var quote = false
        for ch in path.unicodeScalars {
            switch ch {
            case "%": body += "%%"
            case "\\": body += "\\\\"; quote = true
            case "\"": body += "\\\""; quote = true
            case "'": body += "'"; quote = true
            default: body.unicodeScalars.append(ch)
            }
        }
        return quote ? "\"" + body + "\"" : body
    }
}
