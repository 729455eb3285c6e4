import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What decides whether Docker can write at a btrfs store's mountpoint beyond the mount's own
/// `ro`: the subvolume mounted there (the store is its top level, id 5; another one means the
/// default subvolume was changed or `subvol=` was given, and Docker's data is out of sight),
/// that subvolume's read-only flag (`btrfs property set MOUNTPOINT ro true`), and the
/// immutable / append-only attributes of the data root (`chattr +i` / `+a`). None of these
/// shows in statvfs or in the mount's options.
public struct BtrfsRootState: Sendable, Equatable, Codable {
    /// The btrfs top-level subvolume's id (BTRFS_FS_TREE_OBJECTID).
    public static let topLevel: UInt64 = 5

    public var subvolumeID: UInt64
    public var subvolumeReadOnly: Bool
    public var immutable: Bool
    public var appendOnly: Bool

    public init(subvolumeID: UInt64 = topLevel, subvolumeReadOnly: Bool = false, immutable: Bool = false, appendOnly: Bool = false) {
        self.subvolumeID = subvolumeID
        self.subvolumeReadOnly = subvolumeReadOnly
        self.immutable = immutable
        self.appendOnly = appendOnly
    }

    /// Reads it on a descriptor of the mountpoint (`path` names it in errors). Both ioctls
    /// need no privilege.
    static func read(fd: Int32, path: String) throws -> BtrfsRootState {
        var id: UInt64 = 0
        var readOnly: Int32 = 0
        try Syscall.check("cannot read which btrfs subvolume (and its read-only flag) is mounted at", path) {
            ds_btrfs_subvolume_of(fd, &id, &readOnly)
        }
        var immutable: Int32 = 0
        var appendOnly: Int32 = 0
        try Syscall.check("cannot read the attributes (chattr's i and a) of", path) {
            ds_inode_write_locks(fd, &immutable, &appendOnly)
        }
        return BtrfsRootState(subvolumeID: id, subvolumeReadOnly: readOnly != 0, immutable: immutable != 0, appendOnly: appendOnly != 0)
    }

    /// Reads it without opening the mountpoint, for a user who may not (dockerd makes it 0710
    /// root:root, and a monitoring agent runs check as its own user: attack 42 Q F4 — check said
    /// OK on an immutable or read-only data root, having read nothing). chattr's i and a come
    /// from statx(2); the subvolume's id from mountinfo's `subvolid=` (`superblock`, that mount's
    /// superblock options); its read-only flag from access(2) for writing, which btrfs answers
    /// EROFS on a read-only subvolume before it asks whether this user may write (only on a
    /// filesystem statvfs calls read-write: `mountReadOnly` otherwise leaves it unasked).
    static func readUnopened(at path: String, superblock: [String], mountReadOnly: Bool) throws -> BtrfsRootState {
        var immutable: Int32 = 0
        var appendOnly: Int32 = 0
        try Syscall.check("cannot read the attributes (chattr's i and a) of", path) {
            ds_statx_write_locks(path, &immutable, &appendOnly)
        }
        guard let id = superblock.lazy.compactMap({ $0.hasPrefix("subvolid=") ? UInt64($0.dropFirst("subvolid=".count)) : nil }).first else {
            throw DockStoreError(.failed, "cannot tell which btrfs subvolume is mounted at \(path): the mount table gives no subvolid", code: nil)
        }
        var readOnly = false
        if !mountReadOnly, immutable == 0 {
            if faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 {
                let code = errno
                switch code {
                case EROFS: readOnly = true
                case EACCES, EPERM: break
                default: throw DockStoreError.system("cannot tell whether the subvolume mounted at", path, errno: code)
                }
            }
        }
        return BtrfsRootState(subvolumeID: id, subvolumeReadOnly: readOnly, immutable: immutable != 0, appendOnly: appendOnly != 0)
    }

    /// Reads it at a mountpoint.
    public static func read(at path: String) throws -> BtrfsRootState {
        try Syscall.withFolder(path) { try read(fd: $0, path: path) }
    }
}
