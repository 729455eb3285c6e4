#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The names an atomic write renames onto, and the inodes a write takes, checked before the
/// first step acts: a folder or an immutable file at a backup's name, or a filesystem with
/// bytes but no inodes left, would otherwise fail the write after the image was made and
/// mounted.
extension WritePreflight {
    /// Refuses `file` (inside --root, no link followed) when it is there and is not a regular
    /// file, or carries a chattr restriction: the rename of the new bytes onto it would fail.
    static func checkRenameTarget(_ file: HostPath, on host: Host, writing path: String) throws {
        guard let status = try host.statusInRoot(file) else { return }
        let real = host.real(file)
        let isTarget = real == path
        let role = isTarget ? "where dockstore writes \(path)"
            : real.hasSuffix(AtomicFile.backupSuffix) ? "where dockstore keeps the backup of \(path)" : "where dockstore renames \(path) to"
        guard status.kind == .regular else {
            let what = status.kind == .symlink ? "a symbolic link" : "a \(status.kind.rawValue)"
            let remedy = isTarget ? "replace it with the file itself" : "move it away (or remove it)"
            throw DockStoreError.refused("\(real) is \(what), \(role), and dockstore writes only regular files there: \(remedy) and run again; nothing was changed")
        }
        // The file itself: `check` names its restriction (and its folder's) in its own words.
        if isTarget { return }
        let fd: Int32
        switch try host.openInRoot(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ENOENT: return
        case .failure(let code): throw DockStoreError.system("cannot open", real, errno: code)
        }
        defer { close(fd) }
        guard let restriction = try InodeRestriction.of(descriptor: fd, path: real) else { return }
        let flag = restriction == .immutable ? "-i" : "-a"
        throw DockStoreError.refused("\(real) is \(restriction.rawValue), \(role), so it cannot be replaced: remove that with chattr \(flag) \(real) if the change is wanted and run again; nothing was changed")
    }

    /// The inodes `write` takes at once on its filesystem: its temp file, its backup's temp file,
    /// and each folder it makes.
    static func inodesNeeded(_ write: PlannedWrite) throws -> UInt64 {
        var needed: UInt64 = 1
        if let (_, files) = write.renamesOnto, files.count > 1 { needed += 1 }
        if let (host, path, makesFolders) = write.folder, makesFolders {
            needed += UInt64(try host.missingFolders(path).count)
        }
        return needed
    }
}
