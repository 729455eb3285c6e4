/// Unit names systemd derives from paths, as `systemd-escape --path --suffix=…` makes them
/// (systemd's unit_name_path_escape): `/var/lib/docker` → `var-lib-docker.mount`.
public enum SystemdUnitName {
    /// The mount unit systemd's fstab generator makes for a mountpoint.
    public static func mount(_ path: String) -> String { escapePath(path) + ".mount" }

    /// Slashes become `-`; `-`, `\`, a leading `.` and every byte outside `[A-Za-z0-9:_.]`
    /// become `\xNN`; repeated and outer slashes are dropped; `/` itself is `-`.
    public static func escapePath(_ path: String) -> String {
        let components = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
            .filter { !$0.elementsEqual(".".utf8) }
        if components.isEmpty { return "-" }
        var result = ""
        for (index, component) in components.enumerated() {
            if index > 0 { result += "-" }
            for (offset, byte) in component.enumerated() {
                let leadingDot = index == 0 && offset == 0 && byte == UInt8(ascii: ".")
                if !leadingDot && isPlain(byte) {
                    result.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    result += "\\x" + hex(byte)
                }
            }
        }
        return result
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}
