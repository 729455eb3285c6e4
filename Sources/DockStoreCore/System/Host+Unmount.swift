#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

/// What a planned unmount expects to find mounted: its filesystem UUID when the plan knew it,
/// its type, and the device number the mount table showed for it. A btrfs is named by its
/// fsid (its st_dev is a subvolume's anonymous device); another filesystem (an xfs or ext4
/// device store) by its libblkid UUID and its device number both.
public struct MountedIdentity: Sendable, Equatable, CustomStringConvertible {
    public var device: UInt64
    public var uuid: String?
    /// The filesystem's type as the mount table names it ("btrfs", "xfs", "ext4"); empty when
    /// what is mounted is not btrfs and the mount table shows no entry for it.
    public var fstype: String

    public init(device: UInt64, uuid: String?, fstype: String = "btrfs") {
        self.device = device
        self.uuid = uuid
        self.fstype = fstype
    }

    var isBtrfs: Bool { fstype == "btrfs" }

    public var description: String {
        let type = fstype.isEmpty ? "filesystem" : fstype
        let number = "device \(major(device)):\(minor(device))"
        // A btrfs's device number is a subvolume's, not the filesystem's: its fsid alone names it.
        guard let uuid else { return "the \(type) on \(number)" }
        return isBtrfs ? "the btrfs \(uuid)" : "the \(type) \(uuid) on \(number)"
    }

    /// What `found` (read at the mountpoint now) is called in a refusal.
    var foundDescription: String {
        guard uuid == nil else { return description }
        let type = fstype.isEmpty ? "a filesystem" : "a filesystem (\(fstype))"
        return "\(type) whose UUID cannot be read (device \(major(device)):\(minor(device)))"
    }

    /// Whether `found`, what is mounted at the mountpoint now, is this planned filesystem: a
    /// btrfs by its fsid; another filesystem by its type, its UUID and its device number. A
    /// plan without a UUID (it could not be read) matches by the device the mount table shows
    /// at the mountpoint, read again now (`tableDevice`).
    func matches(_ found: MountedIdentity, tableDevice: () throws -> UInt64?) rethrows -> Bool {
        guard let uuid else { return try tableDevice() == device }
        guard let foundUUID = found.uuid, foundUUID.lowercased() == uuid.lowercased() else { return false }
        if isBtrfs || found.isBtrfs { return isBtrfs && found.isBtrfs }
        return found.fstype == fstype && found.device == device
    }
}

/// Unmounting by identity: the mount at a path is taken down only when it is, at that moment,
/// the filesystem the plan saw there.
extension Host {
    /// Unmounts what is mounted at the mountpoint `path` inside the root, after checking — at
    /// the moment it acts — that it is `expected`: the mountpoint is looked up below a descriptor
    /// of its folder opened inside the root (never through a link at its last component), the
    /// mounted filesystem's btrfs fsid (BTRFS_IOC_FS_INFO on the opened folder) must match the
    /// plan's, and umount2(2) is given `/proc/self/fd/<folder>/<name>` with
    /// UMOUNT_NOFOLLOW, so no path swapped in meanwhile can lead it elsewhere. Something else
    /// mounted there now is refused with what it is, and left alone. Nothing mounted there any
    /// more is done (a re-run after a crash).
    /// - Returns: false when nothing was mounted there any more.
    @discardableResult
    public func unmount(at path: HostPath, expected: MountedIdentity) throws -> Bool {
        let shown = real(path)
        return try withMountpoint(path) { folder, name, found in
            guard let found else { return false }
            // A btrfs's st_dev is its subvolume's anonymous device, not the one the mount table
            // shows: the fsid is what names it. Without one in the plan (it could not be read),
            // the mount table's device at the path, read again now, has to match.
            guard try expected.matches(found, tableDevice: { try MountTable.read().mount(at: shown)?.device }) else {
                throw DockStoreError.refused("refusing to unmount \(shown): \(found.foundDescription) is mounted there now, not \(expected), which this run planned to unmount (it was mounted there since); nothing was unmounted: look with findmnt \(shown.shellWord) and re-run")
            }
            // A mount stacked on the store (a bind mount over it) has its fsid too; unmounting
            // the top one would leave the store mounted underneath.
            if let stack = MountStack.at(shown, in: try MountTable.read().entries), try !stack.goesWithOneUnmount(at: shown) {
                let stacked = stack.entries.count
                throw DockStoreError.refused("refusing to unmount \(shown): \(stacked) filesystems are mounted on top of each other there now; nothing was unmounted: unmount the others (findmnt \(shown.shellWord)) and re-run")
            }
            let target = "/proc/self/fd/\(folder)/\(name)"
            switch Syscall.attempt({ ds_umount_nofollow(target) }) {
            case .success: return true
            case .failure(let code) where code == EBUSY:
                throw DockStoreError(.failed, "cannot unmount \(shown): \(Errno.text(code)); something still uses it: see fuser -vm \(shown)", code: code)
            case .failure(let code):
                throw DockStoreError.system("cannot unmount", shown, errno: code)
            }
        }
    }

    /// What is mounted at the mountpoint `path` inside the root now (for a btrfs its fsid, for
    /// another filesystem its libblkid UUID (`otherIdentity`), and the st_dev of the folder
    /// there), or nil when nothing is (the folder is on its parent's
    /// filesystem).
    public func mountedIdentity(at path: HostPath) throws -> MountedIdentity? {
        try withMountpoint(path) { _, _, found in found }
    }

    /// Opens the folder holding the mountpoint `path` inside the root and looks below it at the
    /// mountpoint (never through a link there), then calls `body` with the folder's descriptor,
    /// the mountpoint's name in it and what is mounted there (nil for nothing).
    private func withMountpoint<T>(_ path: HostPath, _ body: (Int32, String, MountedIdentity?) throws -> T) throws -> T {
        let shown = real(path)
        guard !path.isRoot else { throw DockStoreError.refused("refusing to unmount \(shown): it is the root of the tree") }
        let folder = try openFolderInRoot(path.parent)
        defer { close(folder) }
        let name = path.lastComponent
        var folderStatus = stat()
        try Syscall.check("cannot look at", real(path.parent)) { fstat(folder, &folderStatus) }
        let mounted: Int32
        switch Syscall.attempt({ openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }) {
        case .success(let fd): mounted = fd
        case .failure(let code) where code == ENOENT: return try body(folder, name, nil)
        case .failure(let code) where code == ELOOP || code == ENOTDIR:
            throw DockStoreError.refused("\(shown) is no longer a folder (a link or a file took its place after dockstore looked); nothing was unmounted: put the folder back and re-run")
        case .failure(let code): throw DockStoreError.system("cannot open the mountpoint", shown, errno: code)
        }
        var found: MountedIdentity? = nil
        do {
            defer { close(mounted) }
            var status = stat()
            try Syscall.check("cannot look at", shown) { fstat(mounted, &status) }
            if UInt64(status.st_dev) != UInt64(folderStatus.st_dev) {
                var info = ds_btrfs_fs_info()
                switch Syscall.attempt({ ds_btrfs_fs_info(mounted, &info) }) {
                case .success: found = MountedIdentity(device: UInt64(status.st_dev), uuid: formatUUID(info.fsid))
                case .failure(let code) where code == ENOTTY || code == EINVAL: found = try Self.otherIdentity(device: UInt64(status.st_dev), at: shown)
                case .failure(let code): throw DockStoreError.system("cannot read the btrfs filesystem info of", shown, errno: code)
                }
            }
        }
        // The descriptor of the mounted folder is closed first: an open file on a mount keeps
        // umount2 from taking it down (EBUSY).
        return try body(folder, name, found)
    }

    /// A filesystem that is not btrfs, mounted at `shown` with the device number `device`
    /// (st_dev of the folder there): its type from the mount table's entry at `shown` with that
    /// device number, and its UUID from libblkid on that entry's source, only when the source is
    /// the block device whose number is `device` (so the UUID is the mounted filesystem's, not
    /// whatever the source's name leads to now). Without such a source the UUID is nil.
    static func otherIdentity(device: UInt64, at shown: String) throws -> MountedIdentity {
        guard let entry = try MountTable.read().entries.last(where: { $0.target.sameBytes(shown) && $0.device == device }) else {
            return MountedIdentity(device: device, uuid: nil, fstype: "")
        }
        var uuid: String? = nil
        if entry.source.hasPrefix("/"), let node = try FileStatus.following(entry.source),
           node.kind == .blockDevice, node.rdev == device,
           case .signature(let type, let found?, _) = BlockProbe.probe(entry.source), type == entry.fstype {
            uuid = found
        }
        return MountedIdentity(device: device, uuid: uuid, fstype: entry.fstype)
    }
}
