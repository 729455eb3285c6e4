/// The folders provision created, as provision recorded them in the drop-in before the record
/// moved to its own file, written ahead (`ProvisionFolderRecord`): teardown still removes the
/// folders such a drop-in records (when empty, deepest first), and provision moves the record
/// into the file before it rewrites the drop-in without it.
/// The record is the drop-in's first line, a comment to systemd's unit parser:
/// `createdFoldersPrefix` and the folders' paths, separated by spaces (they are dockstore's
/// fixed folders and the mountpoint, which holds no whitespace: `HostPath`).
extension DockerDropIn {
    public static let createdFoldersPrefix = "# Folders dockstore provision created; dockstore teardown removes them while empty:"

    /// The drop-in for `mountpoint`, recording `createdFolders` when there are any.
    public static func render(mountpoint: HostPath, createdFolders: [HostPath]) -> String {
        let record = createdFolders.isEmpty ? "" : createdFoldersPrefix + createdFolders.map { " " + $0.string }.joined() + "\n"
        return record + render(mountpoint: mountpoint, unit: MountUnitName.of(mountpoint))
    }

    /// The folders the drop-in's first line records, and the bytes after that line; no record:
    /// `[]` and the bytes. A record line naming anything but absolute paths is no record (the
    /// file is then not dockstore's: `ownership`).
    public static func createdFolders(in bytes: [UInt8]) -> (folders: [HostPath], rest: [UInt8]) {
        let prefix = Array(createdFoldersPrefix.utf8)
        guard bytes.starts(with: prefix), let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let line = String(validating: bytes[prefix.count..<newline], as: UTF8.self), line.first == " " else {
            return ([], bytes)
        }
        var folders: [HostPath] = []
        for word in line.dropFirst().split(separator: " ", omittingEmptySubsequences: false) {
            let path: HostPath
            do { path = try HostPath(String(word), what: "a folder the drop-in records") } catch { return ([], bytes) }
            guard path.string == String(word), path != .root else { return ([], bytes) }
            folders.append(path)
        }
        return (folders, Array(bytes[(newline + 1)...]))
    }
}
