#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// What grow and reclaim's room steps write to, opened inside --root and checked at the moment
/// they act: the image is the file its loop device reads, the store's folder is reached
/// through no link and holds the btrfs planned, so a folder swapped for a link or another
/// btrfs mounted in its place after dockstore looked cannot lead a change out of the tree.
extension Host {
    /// The host path of a real path inside the root; nil when it lies outside it.
    func hostPath(ofReal path: String) throws -> HostPath? {
        if isRunningSystem { return try HostPath(path, what: "the path") }
        if path == root { return .root }
        guard path.hasBytePrefix(root + "/") else { return nil }
        return try HostPath(String(path.dropFirst(root.count)), what: "the path")
    }

    /// The refusal to change a file outside --root: the planners (grow's dry run too) and the
    /// step that acts say the same.
    static func outsideRoot(verb: String, _ path: String, root: String, done: String) -> DockStoreError {
        DockStoreError.refused("refusing to \(verb) \(path): it lies outside --root \(root); nothing was \(done)")
    }

    /// Whether the real path `path` lies outside the root (never on the running system).
    func liesOutside(_ path: String) throws -> Bool {
        try hostPath(ofReal: path) == nil
    }

    /// Extends the image at `path` to `size` bytes (never shrinks it), opened inside the root
    /// without following a link at its last component, and only while it is the file the loop
    /// device `loop` reads (its device and inode, LOOP_GET_STATUS64). `GrowStep.recheck` checks
    /// the same by path before; this check stays here because it is made on the descriptor the
    /// ftruncate goes through, so no rename or link between check and write can redirect it.
    /// With `preallocate` the new range is allocated (fallocate) as it is added, as
    /// provision's `--thick` allocated the rest; a host without the room refuses, unchanged.
    public func extendImage(_ path: String, to size: UInt64, behind loop: String, preallocate: Bool = false) throws {
        try sizeImage(path, to: size, behind: loop, shrinking: false, preallocate: preallocate)
    }

    /// Shrinks the image at `path` to `size` bytes (never grows it; reclaim gives back the room
    /// it lent), with the same confinement and loop-device check as `extendImage`.
    public func shrinkImage(_ path: String, to size: UInt64, behind loop: String) throws {
        try sizeImage(path, to: size, behind: loop, shrinking: true)
    }

    private func sizeImage(_ path: String, to size: UInt64, behind loop: String, shrinking: Bool, preallocate: Bool = false) throws {
        let (verb, done) = shrinking ? ("shrink", "shrunk") : ("extend", "extended")
        guard let inside = try hostPath(ofReal: path) else {
            throw Self.outsideRoot(verb: verb, path, root: root, done: done)
        }
        let fd: Int32
        switch try openInRoot(inside, O_WRONLY | O_NOFOLLOW) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP || code == ENOENT || code == ENOTDIR:
            throw DockStoreError.refused("refusing to \(verb) \(path): it is no longer the file behind \(loop) (a link took its place, or it moved, after dockstore looked); nothing was \(done): look with losetup \(loop) and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the image", path, errno: code)
        }
        defer { close(fd) }
        var status = stat()
        try Syscall.check("cannot look at", path) { fstat(fd, &status) }
        guard let bound = try LoopDevice.status(loop), bound.backingDevice == UInt64(status.st_dev),
              bound.backingInode == UInt64(status.st_ino) else {
            throw DockStoreError.refused("refusing to \(verb) \(path): it is no longer the file behind \(loop) (another file took its place after dockstore looked); nothing was \(done): look with losetup \(loop) and re-run")
        }
        guard shrinking ? status.st_size > Int64(size) : status.st_size < Int64(size) else { return }
        if preallocate && !shrinking {
            // posix_fallocate past the end allocates the range and sets the size with it.
            let rc = posix_fallocate(fd, status.st_size, off_t(size) - status.st_size)
            if rc == ENOSPC {
                // A filesystem may have grown the file by what it allocated before it ran out; the
                // loop device and btrfs do not reach past the old size yet, so cutting it back is safe.
                try Syscall.check("cannot cut back", path) { ftruncate(fd, status.st_size) }
                throw DockStoreError.refused("cannot preallocate \(ByteSize.format(size - UInt64(status.st_size))) more for \(path): its filesystem ran out of space; the image keeps its size: free space on the host, or grow less")
            }
            if rc != 0 { throw DockStoreError.system("cannot preallocate", path, errno: rc) }
        }
        try Syscall.check("cannot \(verb)", path) { ftruncate(fd, off_t(size)) }
        try Syscall.check("cannot flush", path) { fsync(fd) }
    }

    /// Grows btrfs device `devid` of the store mounted at `mountpoint` to the whole device,
    /// through a descriptor of the mountpoint opened inside the root (never through a link at
    /// its last component), and only while the btrfs there is `uuid`. `GrowStep.recheck` checks
    /// the UUID by path before; this check stays here because it reads the fsid of the very
    /// descriptor the resize ioctl goes to, so nothing swapped in between is resized.
    public func growBtrfs(_ devid: UInt64, at mountpoint: String, uuid: String) throws {
        try withStore(at: mountpoint, uuid: uuid, to: ("resize", "resized")) { fd in
            try Syscall.checkBtrfs("cannot resize btrfs device \(devid):max at", mountpoint) { ds_btrfs_resize(fd, "\(devid):max") }
        }
    }

    /// Resizes btrfs device `devid` to exactly `bytes` (a shrink moves the chunks beyond the
    /// new end first), confined and checked as `growBtrfs`.
    public func resizeBtrfs(_ devid: UInt64, to bytes: UInt64, at mountpoint: String, uuid: String) throws {
        try withStore(at: mountpoint, uuid: uuid, to: ("resize", "resized")) { fd in
            try Syscall.checkBtrfs("cannot resize btrfs device \(devid) to \(bytes) bytes at", mountpoint) {
                ds_btrfs_resize(fd, "\(devid):\(bytes)")
            }
        }
    }

    /// Adds the block device `device` to the store (BTRFS_IOC_ADD_DEV), confined and checked
    /// as `growBtrfs`.
    public func addBtrfsDevice(_ device: String, at mountpoint: String, uuid: String) throws {
        try withStore(at: mountpoint, uuid: uuid, to: ("add \(device) to", "added")) { fd in
            try Syscall.checkBtrfs("cannot add \(device) to the btrfs at", mountpoint) { ds_btrfs_add_device(fd, device) }
        }
    }

    /// Removes member `devid` from the store (BTRFS_IOC_RM_DEV_V2), confined and checked as
    /// `growBtrfs`.
    public func removeBtrfsDevice(_ devid: UInt64, at mountpoint: String, uuid: String) throws {
        try withStore(at: mountpoint, uuid: uuid, to: ("remove device \(devid) from", "removed")) { fd in
            try Syscall.checkBtrfs("cannot remove btrfs device \(devid) from", mountpoint) { ds_btrfs_remove_device(fd, devid) }
        }
    }

    /// Throws unless the btrfs at `mountpoint`, reached inside the root through no link, is
    /// still `uuid`: a step's re-check before it changes the store.
    public func checkStore(at mountpoint: String, uuid: String, before action: (verb: String, done: String)) throws {
        try withStore(at: mountpoint, uuid: uuid, to: action) { _ in }
    }

    /// Runs `body` with a descriptor of the mountpoint opened inside the root (never through a
    /// link at its last component) whose btrfs is `uuid`; refuses, naming the `action` not
    /// taken, otherwise.
    private func withStore(at mountpoint: String, uuid: String, to action: (verb: String, done: String),
                           _ body: (Int32) throws -> Void) throws {
        guard let inside = try hostPath(ofReal: mountpoint) else {
            throw DockStoreError.refused("refusing to \(action.verb) the btrfs at \(mountpoint): it lies outside --root \(root); nothing was \(action.done)")
        }
        let fd: Int32
        switch try openInRoot(inside, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP || code == ENOTDIR || code == ENOENT:
            let instead = pathInstead(of: inside)
            let found = instead.map { "\($0.what), not the folder dockstore looked at" }
                ?? "\(mountpoint) is no longer a folder (a link or a file took its place after dockstore looked)"
            throw DockStoreError.refused("refusing to \(action.verb) the btrfs at \(mountpoint): \(found); nothing was \(action.done): look with ls -ld \(instead?.at ?? mountpoint) and findmnt \(mountpoint), put the folder back and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the mountpoint", mountpoint, errno: code)
        }
        defer { close(fd) }
        var info = ds_btrfs_fs_info()
        switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
        case .success: break
        case .failure(let code) where code == ENOTTY || code == EINVAL:
            throw DockStoreError.refused("refusing to \(action.verb) the btrfs at \(mountpoint): no btrfs is mounted there now (it was \(uuid) when dockstore looked); nothing was \(action.done)")
        case .failure(let code): throw DockStoreError.system("cannot read the btrfs filesystem info of", mountpoint, errno: code)
        }
        let found = formatUUID(info.fsid)
        guard found == uuid else {
            throw DockStoreError.refused("refusing to \(action.verb) the btrfs at \(mountpoint): btrfs \(found) is mounted there now, not \(uuid), which dockstore looked at; nothing was \(action.done): look with findmnt \(mountpoint) and re-run")
        }
        try body(fd)
    }
}
