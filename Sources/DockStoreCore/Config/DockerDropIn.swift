/// The systemd drop-in `/etc/systemd/system/docker.service.d/dockstore.conf` that keeps
/// docker.service from starting while its storage is not mounted: `RequiresMountsFor=`
/// both orders docker after the mount and makes it fail when the mount fails, instead of
/// writing images into the bare folder underneath. The path is escaped for the unit-file
/// reader (`UnitFileEscape`): a `%` or a backslash in it means itself.
public enum DockerDropIn {
    static let header = """
        # Written by dockstore provision; a re-run rewrites it.
        # Docker must never start on the bare folder underneath its storage.
        [Unit]
        RequiresMountsFor=
        """

    public static func render(mountpoint: HostPath) -> String {
        header + UnitFileEscape.pathWord(mountpoint.string) + "\n"
    }

    /// Whose the drop-in file is. An admin may have put lines of their own in it; dockstore
    /// rewrites or removes it only when it is `.dockstore`.
    public enum Ownership: Sendable, Equatable {
        /// Exactly what some version of dockstore writes, for some mountpoint.
        case dockstore
        /// Anything else; the reason says what differs.
        case foreign(String)
    }

    /// Classifies the drop-in's bytes: dockstore's only when they are the header above and one
    /// absolute path (bare, as before paths were escaped, or as `UnitFileEscape` writes it),
    /// one line ending in a newline, nothing else: no CR, no whitespace, no other line, valid UTF-8;
    /// before them, the line recording the folders provision created may stand (`DockerDropIn+Folders`).
    public static func ownership(of bytes: [UInt8]) -> Ownership {
        let (folders, rest) = createdFolders(in: bytes)
        if folders.isEmpty, bytes.starts(with: Array(createdFoldersPrefix.utf8)) {
            return .foreign("its first line does not record folders as dockstore writes them")
        }
        guard let text = String(validating: rest, as: UTF8.self) else {
            return .foreign("it is not UTF-8 text")
        }
        let scalars = Array(text.unicodeScalars)
        let expected = Array(header.unicodeScalars)
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
