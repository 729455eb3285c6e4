#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// Removes the folder at `path` inside the root when it is empty, the way `systemctl revert`
    /// removes a drop-in folder it emptied; its parent is opened inside the root
    /// (`openParentInRoot`) and the folder removed below that descriptor (unlinkat with
    /// AT_REMOVEDIR, which never follows a link there). A folder with anything in it, a link or
    /// a file in its place, nothing there, or a filesystem mounted on it (EBUSY) is left as it is.
    /// - Returns: whether the folder was removed.
    @discardableResult
    func removeFolderIfEmpty(_ path: HostPath) throws -> Bool {
        guard let dir = try openParentInRoot(path) else { return false }
        defer { close(dir) }
        switch Syscall.attempt({ unlinkat(dir, path.lastComponent, AT_REMOVEDIR) }) {
        case .success: break
        case .failure(let code) where code == ENOENT || code == ENOTEMPTY || code == EEXIST || code == ENOTDIR || code == EBUSY: return false
        case .failure(let code): throw DockStoreError.system("cannot remove the empty folder", real(path), errno: code)
        }
        try Syscall.check("cannot flush", real(path.parent)) { fsync(dir) }
        return true
    }
}
