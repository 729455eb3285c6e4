#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// What grow writes to, opened inside --root and checked at the moment it acts: the image is
/// the file its loop device reads, the store's folder is reached through no link, so a folder
/// swapped for a link after grow looked cannot lead a write out of the tree.
extension Host {
    /// The host path of a real path inside the root; nil when it lies outside it.
    func hostPath(ofReal path: String) throws -> HostPath? {
        if isRunningSystem { return try HostPath(path, what: "the path") }
        if path == root { return .root }
        guard path.hasPrefix(root + "/") else { return nil }
        return try HostPath(String(path.dropFirst(root.count)), what: "the path")
    }

    /// Extends the image at `path` to `size` bytes (never shrinks it), opened inside the root
    /// without following a link at its last component, and only while it is the file the loop
    /// device `loop` reads (its device and inode, LOOP_GET_STATUS64). `GrowStep.recheck` checks
    /// the same by path before; this check stays here because it is made on the descriptor the
    /// ftruncate goes through, so no rename or link between check and write can redirect it.
    public func extendImage(_ path: String, to size: UInt64, behind loop: String) throws {
        guard let inside = try hostPath(ofReal: path) else {
            throw DockStoreError.refused("refusing to extend \(path): it lies outside --root \(root); nothing was extended")
        }
        let fd: Int32
        switch try openInRoot(inside, O_WRONLY | O_NOFOLLOW) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP || code == ENOENT || code == ENOTDIR:
            throw DockStoreError.refused("refusing to extend \(path): it is no longer the file behind \(loop) (a link took its place, or it moved, after dockstore looked); nothing was extended: look with losetup \(loop) and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the image", path, errno: code)
        }
        defer { close(fd) }
        var status = stat()
        try Syscall.check("cannot look at", path) { fstat(fd, &status) }
        guard let bound = try LoopDevice.status(loop), bound.backingDevice == UInt64(status.st_dev),
              bound.backingInode == UInt64(status.st_ino) else {
            throw DockStoreError.refused("refusing to extend \(path): it is no longer the file behind \(loop) (another file took its place after dockstore looked); nothing was extended: look with losetup \(loop) and re-run")
        }
        guard status.st_size < Int64(size) else { return }
        try Syscall.check("cannot extend", path) { ftruncate(fd, off_t(size)) }
        try Syscall.check("cannot flush", path) { fsync(fd) }
    }

    /// Grows btrfs device `devid` of the store mounted at `mountpoint` to the whole device,
    /// through a descriptor of the mountpoint opened inside the root (never through a link at
    /// its last component), and only while the btrfs there is `uuid`. `GrowStep.recheck` checks
    /// the UUID by path before; this check stays here because it reads the fsid of the very
    /// descriptor the resize ioctl goes to, so nothing swapped in between is resized.
    public func growBtrfs(_ devid: UInt64, at mountpoint: String, uuid: String) throws {
        guard let inside = try hostPath(ofReal: mountpoint) else {
            throw DockStoreError.refused("refusing to resize the btrfs at \(mountpoint): it lies outside --root \(root); nothing was resized")
        }
        let fd: Int32
        switch try openInRoot(inside, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP || code == ENOTDIR || code == ENOENT:
            throw DockStoreError.refused("\(mountpoint) is no longer a folder (a link or a file took its place after dockstore looked); nothing was resized: put the folder back and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the mountpoint", mountpoint, errno: code)
        }
        defer { close(fd) }
        var info = ds_btrfs_fs_info()
        switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
        case .success: break
        case .failure(let code) where code == ENOTTY || code == EINVAL:
            throw DockStoreError.refused("refusing to resize at \(mountpoint): no btrfs is mounted there now (it was \(uuid) when dockstore looked); nothing was resized")
        case .failure(let code): throw DockStoreError.system("cannot read the btrfs filesystem info of", mountpoint, errno: code)
        }
        let found = formatUUID(info.fsid)
        guard found == uuid else {
            throw DockStoreError.refused("refusing to resize at \(mountpoint): btrfs \(found) is mounted there now, not \(uuid), which dockstore looked at; nothing was resized: look with findmnt \(mountpoint) and re-run")
        }
        try Syscall.checkBtrfs("cannot resize btrfs device \(devid):max at", mountpoint) { ds_btrfs_resize(fd, "\(devid):max") }
    }
}
