/// The names in one folder that are a given file (st_dev and st_ino, read without following
/// links): the image under another name after a hard link or a rename. A folder, not the
/// filesystem: a rename or `ln` beside the image is what admins do, and a whole-filesystem
/// search is not something a command should start on a host's root filesystem.
enum SameFileInFolder {
    /// The regular files in `folder` with `device` and `inode`, sorted by their bytes; nil when
    /// the folder cannot be listed or a name in it cannot be looked at (the caller then says
    /// less, never something wrong).
    static func names(device: UInt64, inode: UInt64, in folder: String) -> [String]? {
        guard let names = FolderEntries.names(folder) else { return nil }
        var found: [String] = []
        do {
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let path = folder == "/" ? "/\(name)" : "\(folder)/\(name)"
                guard let file = try FileStatus.of(path), file.kind == .regular, file.device == device, file.inode == inode else { continue }
                found.append(path)
            }
        } catch {
            return nil
        }
        return found
    }
}
