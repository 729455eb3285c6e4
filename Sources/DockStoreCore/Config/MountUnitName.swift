/// The name systemd gives the mount unit of a path (`systemd-escape --path --suffix=mount`):
/// the path without its leading slash, `/` written `-`, every byte outside `[A-Za-z0-9:_.]`
/// (and a leading `.`) written `\xNN`. systemd cannot name a unit longer than 255 bytes, and the
/// folder of its drop-ins (`NAME.d`, where provision writes `MountDropIn`) is a file name, at most
/// 255 bytes too: a mountpoint whose name is longer than 253 bytes is refused (`fits`).
/// Checked against `systemd-escape` and `systemd-analyze verify` (EscapeOracleTests).
public enum MountUnitName {
    public static let maxLength = 253

    public static func of(_ path: HostPath) -> String {
        let bytes = Array(path.string.utf8.dropFirst())
        if bytes.isEmpty { return "-.mount" }
        var name = ""
        name.reserveCapacity(bytes.count + 6)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "/"):
                name += "-"
            case UInt8(ascii: "."):
                name += index == 0 ? "\\x2e" : "."
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16)
                name += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return name + ".mount"
    }

    /// Whether systemd can name the mount unit of `path` and read drop-ins for it.
    public static func fits(_ path: HostPath) -> Bool {
        of(path).utf8.count <= maxLength
    }
}
