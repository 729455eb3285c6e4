#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A second loop device over the store's own image: mounting it makes a second, independent
/// btrfs instance of the same bytes (the kernel gives it a temporary fsid and another st_dev),
/// and two instances writing one file lose each other's files (issue 15, attack 8, F5).
public struct SiblingLoop: Sendable, Equatable, Codable {
    /// `/dev/loopN`
    public var loop: String
    /// The kernel has a btrfs mounted from it (`/sys/fs/btrfs/<fsid>/devices/loopN`), in any
    /// mount namespace.
    public var mounted: Bool

    public init(loop: String, mounted: Bool) {
        self.loop = loop
        self.mounted = mounted
    }
}

extension LoopDevice {
    /// The bound loop devices other than `member` over the same file as `member`, with whether
    /// each is mounted. Identity is the backing file's (st_dev, st_ino) from LOOP_GET_STATUS64;
    /// where the loop devices cannot be opened (check run as an unprivileged user: /dev/loopN is
    /// root's), the kernel's name of the backing file in sysfs stands in for it: a loop device
    /// bound to the same path is reported, never skipped. Only sysfs reads and one ioctl per
    /// bound loop device: cheap enough for `check`.
    public static func siblings(of member: String, sysfs: String = "/sys") throws -> [SiblingLoop] {
        let sysBlock = "\(sysfs)/block"
        let memberName = member.split(separator: "/").last.map(String.init) ?? member
        guard let memberBacking = try sysfsBackingFile(memberName, sysBlock: sysBlock) else { return [] }
        let memberStatus = try readableStatus("/dev/\(memberName)")
        guard let names = FolderEntries.names(sysBlock) else {
            throw DockStoreError.system("cannot list", sysBlock, errno: Errno.current)
        }
        var found: [SiblingLoop] = []
        for name in names.sorted() where name.hasPrefix("loop") && name != memberName {
            // Unbound between the listing and the read: not a sibling.
            guard let backing = try sysfsBackingFile(name, sysBlock: sysBlock) else { continue }
            let same: Bool
            if case .read(let ours?) = memberStatus, case .read(let theirs) = try readableStatus("/dev/\(name)") {
                guard let theirs else { continue }
                same = theirs.backingDevice == ours.backingDevice && theirs.backingInode == ours.backingInode
            } else {
                same = backing == memberBacking
            }
            guard same else { continue }
            found.append(SiblingLoop(loop: "/dev/\(name)", mounted: try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs) != nil))
        }
        return found
    }

    /// The loop status, or `.denied` when this user may not open the device, or its node is
    /// not in this /dev (a container): then the backing file's name decides.
    enum Readable { case read(LoopDevice?), denied }

    static func readableStatus(_ path: String) throws -> Readable {
        do {
            return .read(try status(path))
        } catch let error as DockStoreError where error.code == EACCES || error.code == EPERM || error.code == ENOENT {
            return .denied
        }
    }
}
