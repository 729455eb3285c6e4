/// One mount line of fstab(5): `source target fstype options dump pass`, with the octal
/// escapes (`\040` for a space) that fstab uses inside fields.
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

    /// Parses a non-comment line; nil when it has fewer than three fields (libmount would
    /// reject it too; the line is kept as it is but never matched).
    public init?(line: String) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 3 else { return nil }
        source = Self.unescape(fields[0])
        target = Self.unescape(fields[1])
        fstype = fields[2]
        options = fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : ["defaults"]
        dump = fields.count > 4 ? fields[4] : "0"
        pass = fields.count > 5 ? fields[5] : "0"
    }

    public var rendered: String {
        let opts = options.isEmpty ? "defaults" : options.joined(separator: ",")
        return "\(Self.escape(source)) \(Self.escape(target)) \(fstype) \(opts) \(dump) \(pass)"
    }

    /// The target with trailing slashes removed, for comparing with a `HostPath`.
    public var normalizedTarget: String { Self.normalize(target) }
    public var normalizedSource: String { source.hasPrefix("/") ? Self.normalize(source) : source }

    static func normalize(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let parts = path.split(separator: "/")
        return "/" + parts.joined(separator: "/")
    }

    public static func escape(_ field: String) -> String {
        var out = ""
        for ch in field.unicodeScalars {
            switch ch {
            case " ": out += "\\040"
            case "\t": out += "\\011"
            case "\n": out += "\\012"
            case "\\": out += "\\134"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    public static func unescape(_ field: String) -> String {
        let bytes = Array(field.utf8)
        var out: [UInt8] = []
        var i = 0
        func octal(_ b: UInt8) -> UInt8? { (b >= 0x30 && b <= 0x37) ? b - 0x30 : nil }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
               let a = octal(bytes[i + 1]), let b = octal(bytes[i + 2]), let c = octal(bytes[i + 3]) {
                out.append(a << 6 | b << 3 | c)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
