#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file behind reclaim's temporary member, looked at and bound to a loop device inside
/// --root only: a folder on its way swapped for a link after dockstore looked cannot make it
/// attach, add or judge a file outside the tree.
extension Host {
    /// The status of the file at `path` inside the root, a link there not followed; nil when
    /// nothing is there (or its folder is missing).
    public func statusInRoot(_ path: HostPath) throws -> FileStatus? {
        guard let dir = try openParentInRoot(path) else { return nil }
        defer { close(dir) }
        var st = stat()
        switch Syscall.attempt({ fstatat(dir, path.lastComponent, &st, AT_SYMLINK_NOFOLLOW) }) {
        case .success: return FileStatus(st)
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot look at", real(path), errno: code)
        }
    }

    /// Binds a free loop device (autoclear) to the regular file at `path`, opened inside the
    /// root without following a link at its last component, and only while it is still the
    /// file `expected` (device and inode) dockstore made.
    func attachInRoot(_ path: HostPath, expected: FileStatus) throws -> LoopAttachment {
        let shown = real(path)
        let fd: Int32
        switch try openInRoot(path, O_RDWR | O_NOFOLLOW) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP || code == ENOENT || code == ENOTDIR:
            throw DockStoreError.refused("refusing to attach \(shown): it is no longer the file dockstore made (a link took its place, or it moved); nothing was attached: look at it and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open", shown, errno: code)
        }
        defer { close(fd) }
        var st = stat()
        try Syscall.check("cannot look at", shown) { fstat(fd, &st) }
        let found = FileStatus(st)
        guard found.kind == .regular, found.device == expected.device, found.inode == expected.inode else {
            throw DockStoreError.refused("refusing to attach \(shown): another file took its place after dockstore made it; nothing was attached: look at it and re-run")
        }
        return try LoopAttachment.attach(descriptor: fd, shownAs: shown)
    }
}
