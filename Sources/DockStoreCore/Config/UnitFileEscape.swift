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

    /// A path as the value of a setting that takes the rest of its line as one path
    /// (`AssertPathIsMountPoint=`, `ConditionPathExists=`): only a specifier is read there, so
    /// `%` is written `%%` (`systemd-analyze condition` reads it back: EscapeOracleTests).
    public static func pathValue(_ path: String) -> String {
        path.unicodeScalars.map { $0 == "%" ? "%%" : String($0) }.joined()
    }

    /// The reverse of `pathValue`: `%%` read as `%`; nil when a `%` stands alone.
    static func readPathValue(_ value: Substring) -> String? {
        let scalars = Array(value.unicodeScalars)
        var path = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "%" {
                guard index + 1 < scalars.count, scalars[index + 1] == "%" else { return nil }
                index += 1
            }
            path.append(scalars[index])
            index += 1
        }
        return String(path)
    }
}
