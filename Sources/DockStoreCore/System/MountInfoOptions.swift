/// The two option lists /proc/self/mountinfo gives for one mount: the mount's own
/// (`ro`/`rw` of this mount point) and the superblock's (`ro` when the filesystem itself
/// is read-only, as btrfs makes it after an error). Parsed here without libmount, so
/// `check` loads no library for it.
public struct MountInfoOptions: Sendable, Equatable {
    public var mount: [String]
    public var superblock: [String]

    /// The options of the last mount at `target`, or nil when nothing is mounted there.
    public static func read(at target: String, mountinfo path: String = "/proc/self/mountinfo") throws -> MountInfoOptions? {
        options(of: try MountInfoLine.read(path), at: target)
    }

    static func parse(_ text: String, at target: String) -> MountInfoOptions? {
        options(of: MountInfoLine.lines(text), at: target)
    }

    static func options(of lines: [MountInfoLine], at target: String) -> MountInfoOptions? {
        lines.last { $0.target.sameBytes(target) }.map {
            MountInfoOptions(mount: $0.mountOptions.split(separator: ",").map(String.init),
                             superblock: $0.superblockOptions.split(separator: ",").map(String.init))
        }
    }

    /// The superblock options of a mount of the filesystem on device `device` (field 3,
    /// `major:minor`; every mount of one filesystem shares them), or nil when none is listed.
    static func superblock(ofDevice device: UInt64, in text: String) -> [String]? {
        superblock(ofDevice: device, in: MountInfoLine.lines(text))
    }

    static func superblock(ofDevice device: UInt64, in lines: [MountInfoLine]) -> [String]? {
        let wanted = "\(major(device)):\(minor(device))"
        return lines.first { $0.deviceNumbers == wanted }.map { $0.superblockOptions.split(separator: ",").map(String.init) }
    }

    /// mountinfo writes space, tab, newline and backslash as `\040`-style octal escapes.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 3 < raw.count,
               let value = UInt8(String(decoding: raw[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
