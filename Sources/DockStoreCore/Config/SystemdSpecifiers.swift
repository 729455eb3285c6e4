/// systemd's `%` specifiers in a system unit's path settings (systemd.unit(5), "Specifiers"), as
/// systemd 252's `unit_full_printf` expands them for `EnvironmentFile=`: the unit's names and
/// file, the fixed system folders, the service manager's user (root, and the shell systemd picks for
/// root), the tree's os-release fields and machine id. Those that depend on the running host
/// (the boot id, the host names, the kernel release, the architecture, a machine id the image
/// does not hold yet) cannot be told from a tree. A `%` not followed by a specifier systemd knows
/// makes systemd ignore the whole setting ("Failed to resolve unit specifiers … ignoring").
public enum SystemdSpecifiers {
    enum Expansion: Equatable {
        case text(String)
        /// A valid specifier whose value depends on the running host.
        case unknowable
        /// Not a specifier systemd knows: it ignores the setting.
        case invalid
    }

    /// What the tree says for the specifiers that come from it.
    public struct Context: Equatable, Sendable {
        var unitFile: String?
        var osRelease: [String: String]?
        var machineID: String?
        var rootShell = "/bin/sh"

        public static let none = Context()
    }

    static let hostDependent: Set<Character> = ["a", "b", "H", "l", "q", "v"]

    static func expand(_ text: String, unit: String, context: Context = .none) -> Expansion {
        guard text.contains("%") else { return .text(text) }
        let dot = unit.lastIndex(of: ".") ?? unit.endIndex
        let full = String(unit[..<dot])
        let (prefix, instance) = full.firstIndex(of: "@").map { (String(full[..<$0]), String(full[full.index(after: $0)...])) } ?? (full, "")
        let last = String(prefix.split(separator: "-", omittingEmptySubsequences: false).last ?? "")
        var values: [Character: String?] = [
            "n": unit, "N": full, "p": prefix, "P": unescape(prefix), "i": instance, "I": unescape(instance),
            "j": last, "J": unescape(last),
            "f": "/" + String((instance.isEmpty ? unescape(prefix) : unescape(instance)).drop { $0 == "/" }),
            "E": "/etc", "S": "/var/lib", "C": "/var/cache", "L": "/var/log", "t": "/run", "T": "/tmp", "V": "/var/tmp",
            "d": "/run/credentials/" + unit,
            "h": "/root", "u": "root", "U": "0", "g": "root", "G": "0", "s": context.rootShell, "%": "%",
            "m": context.machineID,
            "y": context.unitFile, "Y": context.unitFile.map { file in file.lastIndex(of: "/").map { String(file[..<$0]) } ?? file },
        ]
        for (key, field) in [("o", "ID"), ("w", "VERSION_ID"), ("W", "VARIANT_ID"), ("B", "BUILD_ID"), ("M", "IMAGE_ID"), ("A", "IMAGE_VERSION")] {
            values[Character(key)] = .some(context.osRelease.map { $0[field] ?? "" })
        }
        var out = ""
        var pending = false
        var unknowable = false
        for c in text {
            if pending {
                pending = false
                if hostDependent.contains(c) { unknowable = true; continue }
                guard let known = values[c] else { return .invalid }
                guard let value = known else { unknowable = true; continue }
                out += value
            } else if c == "%" {
                pending = true
            } else {
                out.append(c)
            }
        }
        if pending { return .invalid }
        return unknowable ? .unknowable : .text(out)
    }

    /// `unit_name_unescape`: `-` is `/`, `\xNN` the byte NN.
    static func unescape(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let b = utf8.first {
            if b == UInt8(ascii: "-") {
                bytes.append(UInt8(ascii: "/")); utf8 = utf8.dropFirst()
            } else if b == UInt8(ascii: "\\"), utf8.count >= 4, utf8.dropFirst().first == UInt8(ascii: "x"),
                      let value = UInt8(String(decoding: utf8.dropFirst(2).prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value); utf8 = utf8.dropFirst(4)
            } else {
                bytes.append(b); utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `path_simplify`: repeated slashes and `.` components dropped (a `..` stays: systemd then
    /// refuses the path as not normalized).
    static func simplified(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }
}
