import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Putting a file built under a temporary name in place, and taking such a file away again,
/// each re-checked at the moment it acts, in its folder opened inside --root.
extension Host {
    /// Flushes the regular file `from` in `folder`, renames it to `to` with renameat2's
    /// `RENAME_NOREPLACE` (never replacing a file that appeared at `to`) and flushes the folder.
    /// Returns false, renaming nothing, when `to` exists.
    func installInFolder(_ folder: HostPath, from: String, to: String) throws -> Bool {
        let dir = try openFolderInRoot(folder)
        defer { close(dir) }
        let source = real(folder.appending(from))
        let fd = try Syscall.check("cannot open", source) { openat(dir, from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        defer { close(fd) }
        var st = stat()
        try Syscall.check("cannot look at", source) { fstat(fd, &st) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw DockStoreError.refused("\(source) is a \(FileStatus(st).kind.rawValue), not the image dockstore built; move it away and re-run")
        }
        try Syscall.check("cannot flush", source) { fsync(fd) }
        switch Syscall.attempt({ ds_renameat_noreplace(dir, from, dir, to) }) {
        case .success: break
        case .failure(let code) where code == EEXIST: return false
        case .failure(let code): throw DockStoreError.system("cannot rename \(source) to", real(folder.appending(to)), errno: code)
        }
        try Syscall.check("cannot flush", real(folder)) { fsync(dir) }
        return true
    }

    /// Removes `path` inside the root only while it is still the regular file `device`/`inode`
    /// and no loop device is bound to it (so it is not mounted either), looked at again right
    /// before the unlink; then flushes its folder. Nothing there is fine (a re-run).
    func removeFile(_ path: HostPath, ifStill device: UInt64, _ inode: UInt64, what: String) throws {
        guard let dir = try openParentInRoot(path) else { return }
        defer { close(dir) }
        let shown = real(path)
        var st = stat()
        switch Syscall.attempt({ fstatat(dir, path.lastComponent, &st, AT_SYMLINK_NOFOLLOW) }) {
        case .success: break
        case .failure(let code) where code == ENOENT: return
        case .failure(let code): throw DockStoreError.system("cannot look at", shown, errno: code)
        }
        let status = FileStatus(st)
        guard status.kind == .regular, status.device == device, status.inode == inode else {
            throw DockStoreError.refused("\(shown) changed while dockstore looked at it (it was \(what)); nothing was removed: look at it and re-run")
        }
        if let loop = try LoopDevice.devices(backing: status).first {
            throw DockStoreError.refused("\(shown) (\(what)) is attached to \(loop.path); not removing it: detach it (losetup -d \(loop.path)) and re-run")
        }
        try Syscall.check("cannot remove", shown) { unlinkat(dir, path.lastComponent, 0) }
        try Syscall.check("cannot flush", real(path.parent)) { fsync(dir) }
    }
}
