/// A filesystem mounted at the mountpoint that a path there no longer reaches, because a mount
/// on a folder above it, made later, covers it (`mount --bind /var/lib /var/lib`, or a volume
/// mounted on /var/lib while the store was mounted; attack 43 P C10). The mount table still
/// lists the store at the mountpoint, so provision, status, grow and teardown read it as
/// mounted and their btrfs ioctls reached the covering filesystem ("Inappropriate ioctl for
/// device"), while check, which asks the path, said "nothing is mounted" and sent the admin to
/// provision. Told from the kernel's mount id of the path (statx, Linux 5.8) against
/// mountinfo's: a kernel that does not report it is not asked, as before.
public struct HiddenMount: Sendable, Equatable {
    public var mountpoint: String
    /// The hidden mount: its filesystem type and source.
    public var fstype: String
    public var source: String
    /// The mount the path reaches instead, on a folder above the mountpoint.
    public var coverTarget: String
    public var coverType: String
    public var coverSource: String

    /// nil when nothing is mounted at `mountpoint`, the path reaches a mount there, or the
    /// kernel does not report mount ids.
    public static func find(at mountpoint: String, mountinfo: String = "/proc/self/mountinfo") throws -> HiddenMount? {
        let lines = try MountInfoLine.read(mountinfo)
        guard let hidden = lines.last(where: { $0.target.sameBytes(mountpoint) }) else { return nil }
        let id: UInt64?
        do {
            id = try MountRoot.mountID(of: mountpoint)
        } catch let error as DockStoreError where error.code == Errno.noSuchFileOrDirectory || error.code == Errno.notDirectory {
            // The folder is gone from what covers the mountpoint: hidden all the same.
            return try covering(mountpoint, hidden: hidden, lines: lines)
        }
        guard let id else { return nil }
        guard !lines.contains(where: { $0.target.sameBytes(mountpoint) && $0.mountID == Substring(String(id)) }) else { return nil }
        guard let reached = lines.first(where: { $0.mountID == Substring(String(id)) }) else {
            throw DockStoreError.failed("cannot tell what is mounted at \(mountpoint): the mount the path reaches (id \(id)) is not in the mount table (it changed while read); re-run")
        }
        return HiddenMount(mountpoint: mountpoint, fstype: hidden.fstype, source: hidden.source,
                           coverTarget: reached.target, coverType: reached.fstype, coverSource: reached.source)
    }

    /// The latest mount on a folder above `mountpoint`, for a mountpoint whose folder the
    /// covering filesystem does not have.
    private static func covering(_ mountpoint: String, hidden: MountInfoLine, lines: [MountInfoLine]) throws -> HiddenMount? {
        guard let index = lines.lastIndex(where: { $0.target.sameBytes(mountpoint) }),
              let cover = lines[(index + 1)...].last(where: { $0.target == "/" || mountpoint.hasBytePrefix($0.target + "/") }) else { return nil }
        return HiddenMount(mountpoint: mountpoint, fstype: hidden.fstype, source: hidden.source,
                           coverTarget: cover.target, coverType: cover.fstype, coverSource: cover.source)
    }

    /// `the btrfs /dev/loop3 mounted at MP is hidden by a mount at X (ext4 /dev/vda1) made after it`.
    public var described: String {
        "the \(fstype) \(source) mounted at \(mountpoint) is hidden by a mount at \(coverTarget) (\(coverType) \(coverSource)) made after it: a path there reaches \(coverTarget)'s folder, not the store"
    }

    /// What to do: unmount the cover once, which uncovers the store where it was.
    public func remedy(then next: String) -> String {
        "umount \(coverTarget) once to uncover the store (if that mount is wanted, mount it before the store, as fstab's order does at boot), then \(next)"
    }
}
