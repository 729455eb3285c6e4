/// fstab's field escaping, the one libmount reads (util-linux lib/mangle.c): a backslash and
/// three octal digits stand for one byte. `mangle` escapes a space, tab, newline and backslash;
/// dockstore also escapes a `#` that would start the line, which libmount would otherwise read
/// as a comment. Checked against libmount itself and systemd-fstab-generator
/// (FstabEscapeOracleTests, FstabBytesIntegrationTests).
public enum FstabEscape {
    public static func field(_ bytes: [UInt8], leadsLine: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\\"):
                out += octal(byte)
            case UInt8(ascii: "#") where leadsLine && index == 0:
                out += octal(byte)
            default:
                out.append(byte)
            }
        }
        return out
    }

    /// `unmangle_to_buffer`: `\ooo` becomes the byte 64*o1 + 8*o2 + o3 (mod 256), anything
    /// else stays as it is.
    public static func unescape(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func digit(_ b: UInt8) -> UInt8? { (b >= 0x30 && b <= 0x37) ? b - 0x30 : nil }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
               let a = digit(bytes[i + 1]), let b = digit(bytes[i + 2]), let c = digit(bytes[i + 3]) {
                out.append(a &<< 6 | b &<< 3 | c)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func octal(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "\\"), 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
    }
}
