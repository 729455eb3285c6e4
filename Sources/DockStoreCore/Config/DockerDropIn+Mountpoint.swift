/// Which store Docker's configuration serves: the path dockstore's drop-in asserts is a mount
/// point (`%%` read as `%`), or, in a drop-in an older version wrote, names in
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
        if text.unicodeScalars.starts(with: header.unicodeScalars) { return assertedPath(text) }
        let scalars = Array(text.unicodeScalars)
        var word = Array(scalars.dropFirst(legacyHeader.unicodeScalars.count).dropLast())
        let quoted = word.first == "\""
        if quoted { word = Array(word.dropFirst().dropLast()) }
        // Scalar by scalar, not by Character: a `%` followed by a combining mark is one
        // Character to Swift but two scalars to systemd.
        var path = String.UnicodeScalarView()
        var index = 0
        while index < word.count {
            let scalar = word[index]
            if quoted, scalar == "\\", index + 1 < word.count {
                path.append(word[index + 1])
                index += 2
            } else if scalar == "%", index + 1 < word.count, word[index + 1] == "%" {
                path.append("%")
                index += 2
            } else {
                path.append(scalar)
                index += 1
            }
        }
        return String(path)
    }

    /// The mount unit a drop-in dockstore wrote makes docker.service wait for (its `Wants=`);
    /// nil for one an older version wrote (it names no unit) or one that is not dockstore's.
    public static func waitedUnit(in bytes: [UInt8]) -> String? {
        guard ownership(of: bytes) == .dockstore,
              let text = String(validating: createdFolders(in: bytes).rest, as: UTF8.self),
              text.unicodeScalars.starts(with: header.unicodeScalars) else { return nil }
        // A unit name holds no `/` (ownership saw a `.mount` name; this keeps a path out of it).
        guard let unit = lineValue(text, prefix: "Wants=", on: .first), !unit.contains("/"), !unit.hasPrefix(".") else { return nil }
        return unit
    }

    /// The unit a drop-in dockstore wrote for `mountpoint` (as written) waits for, when it is
    /// not the unit the mountpoint resolves to now (`unitPath`): a link on its path was changed
    /// since provision wrote it (`RelinkedStore`, `StaleMountDropIn`).
    static func formerUnit(in bytes: [UInt8]?, mountpoint: HostPath, unitPath: HostPath) -> String? {
        guard let bytes, Self.mountpoint(in: bytes) == mountpoint.string,
              let unit = waitedUnit(in: bytes), unit != MountUnitName.of(unitPath) else { return nil }
        return unit
    }
}
