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

    /// The path a mount unit's name stands for, as `systemd-escape --unescape --path` reads it
    /// (`-` is `/`, `\xNN` the byte NN), as bytes; nil for a name `of` cannot have written.
    public static func pathBytes(ofUnit unit: String) -> [UInt8]? {
        guard unit.hasSuffix(".mount") else { return nil }
        let name = Array(unit.utf8.dropLast(".mount".utf8.count))
        if name == Array("-".utf8) { return Array("/".utf8) }
        var bytes: [UInt8] = [UInt8(ascii: "/")]
        var index = 0
        while index < name.count {
            let byte = name[index]
            if byte == UInt8(ascii: "-") {
                bytes.append(UInt8(ascii: "/"))
                index += 1
            } else if byte == UInt8(ascii: "\\"), index + 3 < name.count, name[index + 1] == UInt8(ascii: "x"),
                      let value = UInt8(String(decoding: name[(index + 2)...(index + 3)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return bytes
    }

    /// Whether systemd can name the mount unit of `path` and read drop-ins for it.
    public static func fits(_ path: HostPath) -> Bool {
        of(path).utf8.count <= maxLength
    }
}
