import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// Renames `from` to `to` inside the folder `folder` (both names in that one folder, so the
    /// rename is atomic) and flushes the folder, resolved inside `--root`.
    func renameInFolder(_ folder: HostPath, from: String, to: String) throws {
        let dir = try openFolderInRoot(folder)
        defer { close(dir) }
        try Syscall.check("cannot rename \(real(folder.appending(from))) to", real(folder.appending(to))) {
            renameat(dir, from, dir, to)
        }
        try Syscall.check("cannot flush", real(folder)) { fsync(dir) }
    }

    /// Starts a detached process that unlinks `path` only while that name is still the file
    /// `device`/`inode`, so the caller does not wait for the host to free its blocks.
    func unlinkDetached(_ path: HostPath, device: UInt64, inode: UInt64) throws {
        let dir = try openFolderInRoot(path.parent)
        defer { close(dir) }
        try Syscall.check("cannot start removing", real(path)) {
            ds_unlinkat_detached(dir, path.lastComponent, device, inode)
        }
    }
}
