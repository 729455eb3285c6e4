/// Which store Docker's configuration serves: the path dockstore's drop-in names in
/// `RequiresMountsFor=`, decoded as systemd reads it (`UnitFileEscape` in reverse: quotes and
/// backslash escapes removed, `%%` read as `%`). Teardown keeps Docker's configuration when it
/// serves another store than the one it takes down (`TeardownObservation.configuredForOtherStore`).
extension DockerDropIn {
    /// The mountpoint a drop-in dockstore wrote names; nil when it is not dockstore's
    /// (`ownership`), whose lines teardown never reads as its own.
    public static func mountpoint(in bytes: [UInt8]) -> String? {
        guard ownership(of: bytes) == .dockstore else { return nil }
        let rest = createdFolders(in: bytes).rest
        guard let text = String(validating: rest, as: UTF8.self) else { return nil }
        let scalars = Array(text.unicodeScalars)
        var word = Array(scalars.dropFirst(header.unicodeScalars.count).dropLast())
        var path = ""
        if word.first == "\"" {
            word = Array(word.dropFirst().dropLast())
            var escaped = false
            for ch in word {
                if escaped { path.unicodeScalars.append(ch); escaped = false } else if ch == "\\" { escaped = true } else { path.unicodeScalars.append(ch) }
            }
        } else {
            path = String(String.UnicodeScalarView(word))
        }
        return path.replacing("%%", with: "%")
    }
}
