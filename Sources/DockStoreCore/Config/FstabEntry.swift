/// One mount line of fstab(5): `source target fstype options dump pass`, read as libmount
/// reads it (util-linux libmount/src/tab_parse.c): fields separated by spaces and tabs, one
/// "\r" before the end of the line dropped, octal escapes (`\040` for a space) resolved in
/// every field, options split at commas outside double quotes and not after a backslash.
///
/// Its fields are text: a line whose fields are not UTF-8 is not an entry (see `FstabLine`)
/// — dockstore never rewrites it, and systemd, which mounts fstab at boot, ignores a mount
/// unit whose paths are not UTF-8 ("String is not UTF-8 clean").
public struct FstabEntry: Sendable, Equatable {
    public var source: String
    public var target: String
    public var fstype: String
    public var options: [String]
    public var dump: String
    public var pass: String

    public init(source: String, target: String, fstype: String, options: [String],
                dump: String = "0", pass: String = "0") {
        self.source = source
        self.target = target
        self.fstype = fstype
        self.options = options
        self.dump = dump
        self.pass = pass
    }

    /// Parses a non-comment line; nil when libmount could not read it as a mount line or
    /// its fields are not UTF-8 (the line is kept as it is but never matched).
    public init?(line: [UInt8]) {
        guard case .entry(let entry) = FstabLine.parse(line) else { return nil }
        self = entry
    }

    public init?(line: String) { self.init(line: Array(line.utf8)) }

    /// The line as libmount reads it back: every field escaped for fstab, one space apart.
    public var renderedBytes: [UInt8] {
        let opts = options.isEmpty ? "defaults" : options.joined(separator: ",")
        var out = FstabEscape.field(Array(source.utf8), leadsLine: true)
        for field in [target, fstype, opts, dump, pass] {
            out.append(UInt8(ascii: " "))
            out += FstabEscape.field(Array(field.utf8))
        }
        return out
    }

    /// `renderedBytes` as text (always UTF-8: every field is).
    public var rendered: String { String(decoding: renderedBytes, as: UTF8.self) }

    /// The target as systemd names its mountpoint, for comparing with a `HostPath` (see `normalize`).
    public var normalizedTarget: String { Self.normalize(target) }
    /// A source that is a path (an image), normalized as `normalizedTarget`; `UUID=…`, `tmpfs` as they are.
    public var normalizedSource: String { source.hasPrefix("/") ? Self.normalize(source) : source }

    /// An absolute path as systemd-fstab-generator makes it a mount unit's `Where=`: first
    /// systemd's path_simplify (src/basic/path-util.c: runs of `/` become one, `.` components
    /// and a trailing `/` go, `..` at the very start of the path goes; a component longer than
    /// NAME_MAX stops the simplification, the rest is kept as it is), then every other `..`
    /// resolved against the component before it. The generator resolves those with
    /// chase_symlinks() on the real folders, the kernel too; the two agree whenever the folder
    /// before `..` is a real folder, not a link (and where it is missing the generator makes no
    /// unit at all). So `/var/lib/./docker`, `/var/lib/docker/.` and `/var/lib/../lib/docker`
    /// are all `/var/lib/docker`. Relative text (`tmpfs`, `UUID=…`) is returned as it is.
    static func normalize(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        var kept: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            if part.utf8.count > Self.nameMax {
                // path_simplify leaves the rest of an invalid path as it was.
                return "/" + (kept + [path[part.startIndex...]]).joined(separator: "/")
            }
            switch part {
            case ".": continue
            case "..": if !kept.isEmpty { kept.removeLast() }
            default: kept.append(part)
            }
        }
        return "/" + kept.joined(separator: "/")
    }

    /// NAME_MAX: the longest component path_simplify simplifies.
    static let nameMax = 255

    public static func escape(_ field: String) -> String {
        String(decoding: FstabEscape.field(Array(field.utf8)), as: UTF8.self)
    }

    /// A field with its octal escapes resolved, as text (bytes that are not UTF-8 shown as U+FFFD;
    /// for reading /proc/swaps, whose names the kernel wrote).
    public static func unescape(_ field: String) -> String {
        String(decoding: FstabEscape.unescape(Array(field.utf8)), as: UTF8.self)
    }
}
