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
    /// Matched by the kernel's name of its backing file alone (check without root, or without
    /// the loop devices' nodes): it may be another root's file of that name (attack 22 G3).
    /// Nil when matched by the file's device and inode, or by the store's `metadata_uuid`.
    public var byName: Bool?
    /// Found without root as another mounted btrfs with the store's on-disk fsid under a
    /// temporary fsid (`BtrfsSysfs.instances`): a second instance through another name, or a
    /// block copy, which only root tells apart (attack 23 H5).
    public var byMetadataUUID: Bool?
    /// Matched by name through another name than the image's, which reaches the image's inode
    /// here by stat(2) (a hard link: attack 23 H6, attack 24 I5): the kernel's name of its file.
    public var linkName: String?
    /// Where in the image it begins (`/sys/block/loopN/loop/offset`), when not at 0: a shifted
    /// view holds no superblock where btrfs reads one, so it cannot be mounted as the store,
    /// though what writes to it writes into the image (attack 34 X F5).
    public var offset: UInt64?
    /// Its size in bytes (`/sys/block/loopN/size`): a size limit, or the image's size when it
    /// was attached, before a grow. A view shorter than the store's device as btrfs records it
    /// cannot be mounted as the store (the kernel fails to read its chunk tree), though what
    /// writes to it writes into the image (attack 36 W 3c, attack 38 U S8).
    public var bytes: UInt64?

    public init(loop: String, mounted: Bool, byName: Bool? = nil, byMetadataUUID: Bool? = nil, linkName: String? = nil, offset: UInt64? = nil,
                bytes: UInt64? = nil) {
        self.loop = loop
        self.mounted = mounted
        self.byName = byName
        self.byMetadataUUID = byMetadataUUID
        self.linkName = linkName
        self.offset = offset
        self.bytes = bytes
    }
}

extension LoopDevice {
    /// The bound loop devices other than `member` over the same file as `member`, with whether
    /// each is mounted. Identity is the backing file's (st_dev, st_ino) from LOOP_GET_STATUS64,
    /// as `devices(backing:)` compares it; where the loop devices cannot be opened (check run as
    /// an unprivileged user: /dev/loopN is root's; a container without their nodes), the kernel's
    /// name of the backing file in sysfs stands in for it: a loop device bound to the same path
    /// is reported, unless the kernel has it mounted as another on-disk filesystem than
    /// `member`'s (then it is over another file of that name: `namesByBackingFile`). Only sysfs
    /// reads and one ioctl per bound loop device: cheap enough for `check`.
    public static func siblings(of member: String, sysfs: String = "/sys") throws -> [SiblingLoop] {
        let sysBlock = "\(sysfs)/block"
        let memberName = member.split(separator: "/").last.map(String.init) ?? member
        guard let memberBacking = try sysfsBackingFile(memberName, sysBlock: sysBlock) else { return [] }
        let memberStatus = try readableStatus("/dev/\(memberName)")
        var names: [NameMatch]
        if case .read(let ours?) = memberStatus, let same = try devicesIfReadable(backing: ours, sysBlock: sysBlock) {
            names = same.compactMap { $0.path.split(separator: "/").last.map { NameMatch(name: String($0), byName: false) } }
        } else {
            var ours: LoopDevice?
            if case .read(let status) = memberStatus { ours = status }
            names = try namesByBackingFile(memberBacking, identity: ours, sysBlock: sysBlock)
        }
        names.removeAll { $0.name == memberName }
        let memberFilesystem = try BtrfsSysfs.filesystem(withMember: memberName, sysfs: sysfs)
        return try names.compactMap { found in
            let filesystem = try BtrfsSysfs.filesystem(withMember: found.name, sysfs: sysfs)
            var byName = found.byName
            if byName, let filesystem, let memberFilesystem {
                switch try BtrfsSysfs.sameOnDisk(filesystem, memberFilesystem, sysfs: sysfs) {
                case false?: return nil // another on-disk filesystem: another file of that name
                case true?: byName = false // the name, and the kernel's fsid of its bytes
                case nil: break
                }
            }
            return SiblingLoop(loop: "/dev/\(found.name)", mounted: filesystem != nil, byName: byName ? true : nil,
                               linkName: byName ? found.link : nil,
                               offset: LoopDevice.sysfsNonzero(found.name, "offset", sysBlock: sysBlock),
                               bytes: LoopDevice.sysfsBytes(found.name, sysBlock: sysBlock))
        }
    }

    /// `devices(backing:)` over the file `ours` is bound to, or nil when some loop device cannot
    /// be opened here (denied, or no node in this /dev): then the names must decide.
    static func devicesIfReadable(backing ours: LoopDevice, sysBlock: String) throws -> [LoopDevice]? {
        do {
            return try devices(backingDevice: ours.backingDevice, inode: ours.backingInode, sysBlock: sysBlock,
                               names: try exposingNames(sysBlock: sysBlock))
        } catch let error as DockStoreError where error.code == EACCES || error.code == EPERM || error.code == ENOENT {
            return nil
        }
    }

    /// The fallback: the bound loop devices whose sysfs backing file is `backing`, except that one
    /// this user can open, when `identity` is known, is matched by (st_dev, st_ino) instead;
    /// `byName` says which were matched by the name alone.
    ///
    /// A name is only the path in the mount namespace that attached the device: on a kernel
    /// shared by several roots (containers), another root's store has the same name (attack 21,
    /// F3). `siblings(of:)` sets aside a mounted one whose btrfs is another filesystem than the
    /// member's: a second instance of the same file has the same on-disk fsid (the kernel's
    /// `metadata_uuid`, also under a temporary fsid).
    static func namesByBackingFile(_ backing: String, identity ours: LoopDevice?, sysBlock: String) throws -> [NameMatch] {
        var found: [NameMatch] = []
        var memberFile: FileStatus?? = nil // looked up once, at the first other name
        for name in try exposingNames(sysBlock: sysBlock) {
            // Unbound between the listing and the read: not a sibling.
            guard let theirBacking = try sysfsBackingFile(name, sysBlock: sysBlock) else { continue }
            if let ours, case .read(let theirs) = try readableStatus("/dev/\(name)") {
                guard let theirs else { continue }
                if theirs.backingDevice == ours.backingDevice && theirs.backingInode == ours.backingInode { found.append(NameMatch(name: name, byName: false)) }
            } else if theirBacking == backing {
                found.append(NameMatch(name: name, byName: true))
            } else if let file = try regularFile(named: theirBacking) {
                if memberFile == nil { memberFile = .some(try regularFile(named: backing)) }
                if let member = memberFile ?? nil, member.device == file.device, member.inode == file.inode {
                    found.append(NameMatch(name: name, byName: true, link: theirBacking))
                }
            }
        }
        return found
    }

    /// A loop device `namesByBackingFile` matched: by the file's identity, by the member's
    /// backing name, or through another name (`link`) that reaches the member's file here by
    /// stat(2), which needs no privilege (a hard link of the image attached: attack 23 H6);
    /// still a match by name, since the names are the attaching namespace's.
    struct NameMatch {
        var name: String
        var byName: Bool
        var link: String? = nil
    }

    /// The regular file a kernel's backing name reaches here; nil for a name marked deleted,
    /// one that reaches nothing, or one this user may not look up (another program's loop
    /// device over a file in a private folder): such a name matches nothing.
    static func regularFile(named name: String) throws -> FileStatus? {
        guard !name.hasSuffix(" (deleted)") else { return nil }
        do {
            let file = try FileStatus.following(name)
            return file?.kind == .regular ? file : nil
        } catch let error as DockStoreError where error.code == EACCES || error.code == ENOTDIR || error.code == ELOOP {
            return nil
        }
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
