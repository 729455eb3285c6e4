/// /var/lib/dockstore/provision-folders: the folders provision creates (inside --root), written
/// ahead by its first step, `folder-record`, before any folder is made, so that a run killed at
/// any point leaves a record of every folder it may have made. teardown removes a recorded
/// folder only while it is empty and still a plain folder owned as the record is (never one
/// that was there before provision: only folders missing when provision planned are recorded),
/// then the record, then /var/lib/dockstore itself when it is recorded and holds nothing else.
///
/// The file: `header`, then one absolute path a line, outermost first. The folders are
/// dockstore's fixed folders and the mountpoint, which holds no newline (`HostPath`).
public enum ProvisionFolderRecord {
    public static let path = HostPath.known("/var/lib/dockstore/provision-folders")
    public static let header = "# Folders dockstore provision creates; dockstore teardown removes them while empty."

    /// The failpoint between making the record's missing folders with the record under their
    /// temporary name (`NewFolderChain`) and renaming them into place.
    public static let newFolderFailpoint = "folder-record-new-folder"

    /// How the record is written when its folder is missing: `outermost` (the outermost missing
    /// folder of /var/lib/dockstore) is made under a temporary name with the rest of the chain
    /// and the record inside, and renamed into place, so that no folder provision makes for
    /// the record exists without the record naming it.
    public static func newFolder(_ outermost: HostPath) -> NewFolderChain {
        let below = path.parent.components.dropFirst(outermost.components.count).map(String.init)
        return NewFolderChain(folder: outermost, below: below, file: path.lastComponent, fileMode: 0o644)
    }

    public static func render(_ folders: [HostPath]) -> [UInt8] {
        Array(([header] + folders.map(\.string)).map { $0 + "\n" }.joined().utf8)
    }

    /// The recorded folders; nil for a file dockstore did not write this way (teardown then
    /// refuses: which folders provision made cannot be told).
    public static func folders(in bytes: [UInt8]) -> [HostPath]? {
        guard let text = String(validating: bytes, as: UTF8.self), text.hasSuffix("\n") else { return nil }
        var lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == header else { return nil }
        lines.removeFirst()
        var folders: [HostPath] = []
        for line in lines {
            let path: HostPath
            do { path = try HostPath(line, what: "a folder the record names") } catch { return nil }
            guard path.string == line, path != .root, !folders.contains(path) else { return nil }
            folders.append(path)
        }
        return folders
    }

    /// `recorded` followed by each of `adding` not in it yet, in order.
    public static func merging(_ recorded: [HostPath], _ adding: [HostPath]) -> [HostPath] {
        adding.reduce(into: recorded) { list, folder in if !list.contains(folder) { list.append(folder) } }
    }

    /// The order teardown removes `folders` in, deepest first: those the record's own folder
    /// is not inside, then (`holdsRecord`, after the record is removed) the record's folder and
    /// the recorded folders around it.
    public static func removalOrder(_ folders: [HostPath]) -> (first: [HostPath], holdsRecord: [HostPath]) {
        let deepestFirst = folders.sorted { $0.components.count > $1.components.count }
        let own = path.parent
        return (deepestFirst.filter { !own.isWithin($0) }, deepestFirst.filter { own.isWithin($0) })
    }
}
