/// The systemd drop-in `/etc/systemd/system/docker.service.d/dockstore.conf` that keeps
/// docker.service from starting while its storage is not mounted.
///
/// docker.service wants the store's mount unit and is ordered after it (and, by
/// dockstore-provision.service's own `Before=`, after provision); it starts only when the
/// mountpoint is a mount point (`AssertPathIsMountPoint=`), and stops or restarts with the
/// mount (`PartOf=`). It does not `Require` the mount: when systemd's mount of the fstab line
/// fails at boot (the image was lost, the volume came late) and provision then repairs it,
/// Docker still starts in that boot instead of failing its dependency.
///
/// Older versions wrote `RequiresMountsFor=PATH` instead (`legacyHeader`); that drop-in is
/// still dockstore's, and provision rewrites it. Unit names are `MountUnitName`; the
/// assertion's path has `%` written `%%` (systemd reads the rest of the line as the path).
public enum DockerDropIn {
    static let header = """
        # Written by dockstore provision; a re-run rewrites it.
        # Docker must never start on the bare folder underneath its storage: it starts only
        # when the store is mounted, and a mount that failed before provision repaired it does
        # not fail Docker's start.
        [Unit]

        """

    /// What versions before the assertion wrote, followed by one path word (`UnitFileEscape`).
    static let legacyHeader = """
        # Written by dockstore provision; a re-run rewrites it.
        # Docker must never start on the bare folder underneath its storage.
        [Unit]
        RequiresMountsFor=
        """

    static let assertion = "AssertPathIsMountPoint="

    /// For `mountpoint` on `host`: the mount unit as systemd names it there (`Host.unitPath`).
    public static func render(mountpoint: HostPath, on host: Host) -> String {
        render(mountpoint: mountpoint, unit: MountUnitName.of(host.unitPath(mountpoint)))
    }

    static func render(mountpoint: HostPath, unit: String) -> String {
        header + "Wants=\(unit)\nAfter=\(unit)\nPartOf=\(unit)\n"
            + assertion + UnitFileEscape.pathValue(mountpoint.string) + "\n"
    }

    /// Whose the drop-in file is. An admin may have put lines of their own in it; dockstore
    /// rewrites or removes it only when it is `.dockstore`.
    public enum Ownership: Sendable, Equatable {
        /// Exactly what some version of dockstore writes, for some mountpoint.
        case dockstore
        /// Anything else; the reason says what differs.
        case foreign(String)
    }

    /// Classifies the drop-in's bytes: dockstore's only when they are exactly what `render`
    /// writes for the mountpoint they assert, or what an older version wrote (the legacy header
    /// and one absolute path, bare or as `UnitFileEscape` writes it, one line ending in a
    /// newline, nothing else: no CR, no whitespace, no other line, valid UTF-8); before them,
    /// the line recording the folders provision created may stand (`DockerDropIn+Folders`).
    public static func ownership(of bytes: [UInt8]) -> Ownership {
        let (folders, rest) = createdFolders(in: bytes)
        if folders.isEmpty, bytes.starts(with: Array(createdFoldersPrefix.utf8)) {
            return .foreign("its first line does not record folders as dockstore writes them")
        }
        guard let text = String(validating: rest, as: UTF8.self) else {
            return .foreign("it is not UTF-8 text")
        }
        if text.unicodeScalars.starts(with: header.unicodeScalars) {
            return currentOwnership(text)
        }
        return legacyOwnership(text)
    }

    private static func currentOwnership(_ text: String) -> Ownership {
        guard let path = assertedPath(text) else {
            return .foreign("its last line does not assert one absolute path as dockstore writes it")
        }
        // The unit is the one its first line names, as render writes it for a mountpoint below a
        // symbolic link too (`Host.unitPath`); the three lines must agree and name a mount unit.
        let unit = lineValue(text, prefix: "Wants=", on: .first)
        guard let mountpoint = try? HostPath(path, what: "the drop-in's mountpoint"), mountpoint.string == path,
              let unit, unit.hasSuffix(".mount"), !unit.contains(where: { $0.isWhitespace }),
              render(mountpoint: mountpoint, unit: unit) == text else {
            return .foreign("its lines are not the ones dockstore writes for \(ShownBytes.text(path))")
        }
        return .dockstore
    }

    /// The path of the last line, `AssertPathIsMountPoint=`, with `%%` read as `%`; nil when
    /// there is no such last line or a `%` stands alone.
    static func assertedPath(_ text: String) -> String? {
        lineValue(text, prefix: assertion, on: .last)
    }

    /// Which line `lineValue` reads: the first that starts with the prefix, or the last line
    /// only when it does.
    enum LinePosition { case first, last }

    /// The value after `prefix` of the line of `text` at `position`, with `%%` read as `%` (as
    /// dockstore writes a path there; a unit name holds no `%`); nil when `text` does not end in
    /// a newline, there is no such line, or a `%` stands alone.
    static func lineValue(_ text: String, prefix: String, on position: LinePosition) -> String? {
        guard text.hasSuffix("\n") else { return nil }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        let line: Substring?
        switch position {
        case .first: line = lines.first { $0.hasPrefix(prefix) }
        case .last: line = lines.last.flatMap { $0.hasPrefix(prefix) ? $0 : nil }
        }
        return line.flatMap { UnitFileEscape.readPathValue($0.dropFirst(prefix.count)) }
    }

    private static func legacyOwnership(_ text: String) -> Ownership {
        let scalars = Array(text.unicodeScalars)
        let expected = Array(legacyHeader.unicodeScalars)
        guard scalars.starts(with: expected) else {
            return .foreign("it does not start with the lines dockstore writes")
        }
        let value = scalars.dropFirst(expected.count)
        guard value.last == "\n" else { return .foreign("its last line has no newline") }
        let word = value.dropLast()
        if word.contains("\n") { return .foreign("it holds lines after RequiresMountsFor=") }
        // A mountpoint never holds whitespace or a control character (`HostPath` refuses them).
        if word.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return .foreign("its RequiresMountsFor= line holds whitespace or a control character (a CR, a tab, a second path)")
        }
        let bare = word.first == "/"
        let quoted = word.count > 2 && word.first == "\"" && word.dropFirst().first == "/" && word.last == "\""
        guard bare || quoted else {
            return .foreign("its RequiresMountsFor= does not name one absolute path")
        }
        return .dockstore
    }

    /// The one-line refusal for a drop-in that holds lines dockstore did not write: `command`
    /// is what would have rewritten or removed it.
    static func refusal(_ reason: String, path: String, command: String) -> DockStoreError {
        let folder = AtomicFile.parentFolder(of: path)
        return DockStoreError.refused("\(path) is not the drop-in dockstore writes (\(reason)); \(command) would lose the lines it holds: move them to another drop-in file such as \(folder)/local.conf, or remove \(path), and re-run")
    }
}
