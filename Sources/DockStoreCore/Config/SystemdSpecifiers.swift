/// systemd's `%` specifiers in a system unit's path settings (systemd.unit(5), "Specifiers"), as
/// `unit_full_printf` expands them for `EnvironmentFile=`: the unit's names, the fixed system
/// folders and the service manager's user (root). Those that depend on the running host (the
/// machine and boot id, the host name, the kernel release, the architecture, os-release) give
/// nil: dockstore reads a tree, possibly an image being built, and cannot tell what they become.
enum SystemdSpecifiers {
    /// `text` with every specifier expanded for the unit `unit` (`docker.service`), or nil when
    /// it holds one that cannot be told or is unknown (systemd refuses the setting then).
    static func expand(_ text: String, unit: String) -> String? {
        guard text.contains("%") else { return text }
        let dot = unit.lastIndex(of: ".") ?? unit.endIndex
        let full = String(unit[..<dot])
        let (prefix, instance) = full.firstIndex(of: "@").map { (String(full[..<$0]), String(full[full.index(after: $0)...])) } ?? (full, "")
        let values: [Character: String] = [
            "n": unit, "N": full, "p": prefix, "P": unescape(prefix), "i": instance, "I": unescape(instance),
            "j": String(prefix.split(separator: "-", omittingEmptySubsequences: false).last ?? ""),
            "J": unescape(String(prefix.split(separator: "-", omittingEmptySubsequences: false).last ?? "")),
            "f": "/" + (instance.isEmpty ? unescape(prefix) : unescape(instance)).trimmingPrefix("/"),
            "E": "/etc", "S": "/var/lib", "C": "/var/cache", "L": "/var/log", "t": "/run", "T": "/tmp", "V": "/var/tmp",
            "h": "/root", "u": "root", "U": "0", "g": "root", "G": "0", "s": "/bin/sh", "%": "%",
        ]
        var out = ""
        var pending = false
        for c in text {
            if pending {
                guard let value = values[c] else { return nil }
                out += value
                pending = false
            } else if c == "%" {
                pending = true
            } else {
                out.append(c)
            }
        }
        return pending ? nil : out
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
}

private extension String {
    func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
