/// A loop device bound to the store's image (by the file's st_dev and st_ino) besides the one
/// the store at the mountpoint is mounted through (issue 15, attack 8, F5). Mounted, it is a
/// second btrfs instance of the same bytes (the kernel gives it a temporary fsid and another
/// st_dev): two instances writing one file lose each other's files, so provision refuses and
/// status reports it. Bound but not mounted, anyone can mount it: provision and status warn,
/// as the store itself is sound and a refusal at boot would leave the instance without Docker.
public struct SecondImageLoop: Sendable, Equatable {
    /// `/dev/loopN`
    public var loop: String
    /// Where the mount table shows it mounted.
    public var mountedAt: [String]
    /// The kernel has a btrfs mounted from it (in this mount namespace or another).
    public var mounted: Bool
    /// For a loop device stacked on one of the image's loop devices (issue 15, attack 9): the
    /// loop device it is bound to; nil for one bound to the image itself.
    public var over: String?
    /// Where it begins in what it is bound to, when not at 0 (`SiblingLoop.offset`).
    public var offset: UInt64?
    /// The store's device size as btrfs records it, when this one is shorter
    /// (`SiblingLoop.bytes`): it cannot be mounted as the store.
    public var shorterThanStore: UInt64?
    /// Its size in bytes, when `shorterThanStore` is set.
    public var bytes: UInt64?

    public init(loop: String, mountedAt: [String], mounted: Bool, over: String? = nil, offset: UInt64? = nil,
                bytes: UInt64? = nil, storeBytes: UInt64? = nil) {
        self.loop = loop
        self.mountedAt = mountedAt
        self.mounted = mounted
        self.over = over
        self.offset = offset
        if let bytes, let storeBytes, bytes < storeBytes {
            self.bytes = bytes
            self.shorterThanStore = storeBytes
        }
    }

    /// The loop device, and what it is stacked on when it is.
    var named: String { over.map { "\(loop) (a loop device over \($0))" } ?? loop }

    /// The refusal for a mounted one: names it, where it is mounted, and the way out.
    func refusal(image: String, mountpoint: String) -> DockStoreError {
        let place = mountedAt.isEmpty
            ? "mounted where this mount namespace does not show (find it: grep \(loop) /proc/*/mountinfo)"
            : "mounted at \(mountedAt.joined(separator: ", "))"
        let unmount = mountedAt.isEmpty ? "unmount it there" : mountedAt.map { "umount \($0.shellWord)" }.joined(separator: "; ")
        return DockStoreError.refused("\(image) is also attached to \(named), \(place): a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; stop what writes there, \(unmount) and losetup -d \(loop), then re-run; nothing was changed")
            .unshownMount(mountedAt.isEmpty)
    }

    /// The warning for one bound but not mounted.
    func warning(image: String, mountpoint: String) -> String {
        if let offset {
            return "\(image) is also attached to \(named) from byte \(offset) (not mounted): shifted, it cannot be mounted as the store, but whatever writes to it writes into the store at \(mountpoint); detach it (losetup -d \(loop))"
        }
        if let bytes, let shorterThanStore {
            return "\(image) is also attached to \(named), \(bytes) bytes long (not mounted): \(TruncatedView.words(shorterThanStore)), but whatever writes to it writes into the store at \(mountpoint); detach it (losetup -d \(loop))"
        }
        return "\(image) is also attached to \(named) (not mounted): mounting it would make a second btrfs instance of the store at \(mountpoint), and two instances writing one file lose files; detach it (losetup -d \(loop))"
    }
}
