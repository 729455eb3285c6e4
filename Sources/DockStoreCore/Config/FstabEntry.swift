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

    /// The target with trailing slashes removed, for comparing with a `HostPath`.
    public var normalizedTarget: String { Self.normalize(target) }
    public var normalizedSource: String { source.hasPrefix("/") ? Self.normalize(source) : source }

    static func normalize(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let parts = path.split(separator: "/")
        return "/" + parts.joined(separator: "/")
    }

    public static func escape(_ field: String) -> String {
        String(decoding: FstabEscape.field(Array(field.utf8)), as: UTF8.self)
    }

    /// A field with its octal escapes resolved, as text (bytes that are not UTF-8 shown as U+FFFD;
    /// for reading /proc/swaps, whose names the kernel wrote).
    public static func unescape(_ field: String) -> String {
        String(decoding: FstabEscape.unescape(Array(field.utf8)), as: UTF8.self)
    }
}
