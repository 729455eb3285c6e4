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
    /// each is mounted. Identity is the backing file's (st_dev, st_ino) from LOOP_GET_STATUS64,
    /// as `devices(backing:)` compares it; where the loop devices cannot be opened (check run as
    /// an unprivileged user: /dev/loopN is root's; a container without their nodes), the kernel's
    /// name of the backing file in sysfs stands in for it: a loop device bound to the same path
    /// is reported, never skipped. Only sysfs reads and one ioctl per bound loop device: cheap
    /// enough for `check`.
    public static func siblings(of member: String, sysfs: String = "/sys") throws -> [SiblingLoop] {
        let sysBlock = "\(sysfs)/block"
        let memberName = member.split(separator: "/").last.map(String.init) ?? member
        guard let memberBacking = try sysfsBackingFile(memberName, sysBlock: sysBlock) else { return [] }
        let memberStatus = try readableStatus("/dev/\(memberName)")
        var names: [String]
        if case .read(let ours?) = memberStatus, let same = try devicesIfReadable(backing: ours, sysBlock: sysBlock) {
            names = same.compactMap { $0.path.split(separator: "/").last.map(String.init) }
        } else {
            var ours: LoopDevice?
            if case .read(let status) = memberStatus { ours = status }
            names = try namesByBackingFile(memberBacking, identity: ours, sysBlock: sysBlock)
        }
        names.removeAll { $0 == memberName }
        return try names.map { name in
            SiblingLoop(loop: "/dev/\(name)", mounted: try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs) != nil)
        }
    }

    /// `devices(backing:)` over the file `ours` is bound to, or nil when some loop device cannot
    /// be opened here (denied, or no node in this /dev): then the names must decide.
    static func devicesIfReadable(backing ours: LoopDevice, sysBlock: String) throws -> [LoopDevice]? {
        do {
            return try devices(backingDevice: ours.backingDevice, inode: ours.backingInode, sysBlock: sysBlock)
        } catch let error as DockStoreError where error.code == EACCES || error.code == EPERM || error.code == ENOENT {
            return nil
        }
    }

    /// The fallback: the bound loop devices whose sysfs backing file is `backing`, except that one
    /// this user can open, when `identity` is known, is matched by (st_dev, st_ino) instead.
    static func namesByBackingFile(_ backing: String, identity ours: LoopDevice?, sysBlock: String) throws -> [String] {
        guard let names = FolderEntries.names(sysBlock) else {
            throw DockStoreError.system("cannot list", sysBlock, errno: Errno.current)
        }
        var found: [String] = []
        for name in names.sorted() where name.hasPrefix("loop") {
            // Unbound between the listing and the read: not a sibling.
            guard let theirBacking = try sysfsBackingFile(name, sysBlock: sysBlock) else { continue }
            if let ours, case .read(let theirs) = try readableStatus("/dev/\(name)") {
                guard let theirs else { continue }
                if theirs.backingDevice == ours.backingDevice && theirs.backingInode == ours.backingInode { found.append(name) }
            } else if theirBacking == backing {
                found.append(name)
            }
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
