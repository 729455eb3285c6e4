/// What else `check` observed about the store besides its space: states in which no
/// write can succeed or the data is at risk although the figures look fine. Read only
/// when a cheap read says it matters (statvfs's read-only flag, an empty device path, a
/// backing file the kernel marks deleted, a non-zero error counter).
public struct StoreCondition: Sendable, Equatable, Codable {
    /// How the filesystem is read-only, if it is.
    public enum ReadOnly: String, Sendable, Codable {
        case no
        /// The mount itself carries `ro` (mount -o ro, or fstab).
        case byOption = "option"
        /// The filesystem is read-only under a read-write mount: btrfs turned it read-only
        /// after an error (or someone remounted the superblock read-only).
        case forced
    }

    /// The loop image behind the store, when its file is no longer where the loop device
    /// was attached from.
    public enum ImageLink: String, Sendable, Codable {
        case present
        /// Unlinked while mounted: only the loop device keeps the data alive.
        case deleted
        /// Unlinked while mounted, and another file now has its name.
        case replaced
    }

    public struct Image: Sendable, Equatable, Codable {
        public var path: String
        public var loop: String
        public var link: ImageLink
        /// For a replaced image whose new file holds the store's btrfs (its fsid): the last
        /// committed transaction of that file and of the store (`BtrfsSuperblock`), which
        /// tell the copy the remedy made from an older one (attack 42 Q F3: check called the
        /// copy its own remedy had just made "another file" and sent the admin round again).
        public var copy: Generations?
        /// The free names beside the image its advice moves or writes files to, looked at when
        /// the image was found deleted or replaced.
        public var asideNames: AsideNames

        public struct Generations: Sendable, Equatable, Codable {
            public var copy: UInt64
            public var store: UInt64
            /// The file's size and the size btrfs claims on the store's device: a copy cut
            /// short (a dd that ran out of room, a truncate) cannot be mounted (attack 43 P C2, C3).
            public var copyBytes: UInt64 = 0
            public var deviceBytes: UInt64 = 0
        }

        public init(path: String, loop: String, link: ImageLink, copy: Generations? = nil) {
            self.path = path
            self.loop = loop
            self.link = link
            self.copy = copy
            self.asideNames = .unobserved(beside: path)
        }

        /// The file now at the name of an image deleted while mounted, when it is a copy of the
        /// store `uuid` (its superblock's fsid): its generation against the store's on `loop`,
        /// its size against the `deviceBytes` btrfs claims on that member; nil for another file.
        /// Root's to read (the loop device is root's).
        static func copyAtName(_ image: String, loop: String, uuid: String, deviceBytes: UInt64) throws -> Generations? {
            guard let copy = try BtrfsSuperblock.read(image), copy.fsid == uuid,
                  let store = try BtrfsSuperblock.read(loop), store.fsid == uuid,
                  let file = try FileStatus.following(image) else { return nil }
            return Generations(copy: copy.generation, store: store.generation, copyBytes: file.size, deviceBytes: deviceBytes)
        }

        /// check's CRITICAL message for an image deleted or replaced while mounted, which grow
        /// and provision also refuse with (and status lists); nil while the file is there.
        public func verdict(mountpoint mp: String) -> String? {
            switch link {
            case .present:
                return nil
            case .deleted:
                return "the image \(path) was deleted while mounted: \(Remedy.copyOut(loop: loop, image: path, to: asideNames.recovered, mountpoint: mp))"
            case .replaced:
                if let copy, copy.copyBytes < copy.deviceBytes {
                    return "the image \(path) was replaced while mounted by a copy of the store cut short (\(copy.copyBytes) bytes of the \(copy.deviceBytes) btrfs claims: a dd that ran out of room, or a truncated file), which cannot be mounted: the store still runs on the deleted original; do not unmount: move the copy aside (mv -n \(path.shellWord) \(asideNames.short.shellWord)), make room (df -h \(AtomicFile.parentFolder(of: path).shellWord)), then \(Remedy.copyOut(loop: loop, image: path, to: asideNames.recovered, mountpoint: mp))"
                }
                if let copy, copy.copy >= copy.store {
                    // Its superblock is as new as the store's, which says nothing of the blocks
                    // behind it (a buffered dd reads stale ones: attack 43 P C4): verified first.
                    return "the image \(path) was replaced while mounted by a copy of the store whose superblock is as new as the store's (generation \(copy.copy)): the store still runs on the deleted original through \(loop), and once it is unmounted only the copy holds it; keep Docker stopped (systemctl stop docker), verify the copy (btrfs check --readonly --check-data-csum \(path.shellWord) must find no error; if it does, move the copy aside and make it again as said for a deleted image), then umount \(mp.shellWord) (\(loop) goes with it; losetup -d \(loop) if losetup -a still lists it) and run dockstore provision, which mounts the copy (what is written to the store before the umount is not in it)"
                }
                if let copy {
                    return "the image \(path) was replaced while mounted by an older copy of the store (generation \(copy.copy); the store is at \(copy.store), and what it wrote since is not in the copy): the store still runs on the deleted original; move the copy aside (mv -n \(path.shellWord) \(asideNames.old.shellWord)), then \(Remedy.copyOut(loop: loop, image: path, to: asideNames.recovered, mountpoint: mp))"
                }
                return "the image \(path) was replaced by another file while mounted: the store runs on the deleted original and the next boot would mount the new file; move the new file aside (mv -n \(path.shellWord) \(asideNames.aside.shellWord)), then \(Remedy.copyOut(loop: loop, image: path, to: asideNames.recovered, mountpoint: mp))"
            }
        }
    }

    public var readOnly: ReadOnly = .no
    /// Another filesystem mounted over the store at its mountpoint: the figures are the top
    /// one's, and Docker writes there (`MountedOver`).
    public var mountedOver: MountedOver?
    /// `noexec` / `nosymfollow` on the mount (statvfs's flags): no container could start.
    public var blockingOptions: [String] = []
    /// The subvolume mounted at the mountpoint, its read-only flag and the data root's
    /// immutable / append-only attributes; nil when not read (`unreadable` then says why). A
    /// user who may not open the mountpoint reads it without a descriptor (`readUnopened`).
    public var root: BtrfsRootState?
    /// Folders dockerd keeps in the data root that it cannot write (`DataRootFolderObstacle`).
    public var dataRootFolders: [DataRootFolderObstacle] = []
    /// Members btrfs lists by a /dev node that is missing or another device's, by devid
    /// (`NodelessHolder.member`).
    public var nodelessMembers: [NodelessMember] = []
    /// devids btrfs lists as missing (the filesystem is mounted degraded without them).
    public var missingDevices: [UInt64] = []
    public var image: Image?
    /// The image renamed away while mounted: the loop device runs on the renamed file and the
    /// next boot mounts whatever has the image's name (`MovedImage`).
    public var movedImage: MovedImage?
    /// Another btrfs than the configured image's mounted from loop devices (`OtherStoreMounted`).
    public var otherStoreMounted: OtherStoreMounted?
    /// The loop device mounted there is bound, by the kernel's name, to the configured image,
    /// yet not to the file that name reaches here: another root's store on the same kernel
    /// (`ForeignLoopStore`, judged by `readForeignLoop`).
    public var foreignLoop: ForeignLoopStore?
    /// A loop member whose backing file this root does not see (`ForeignLoopStore.unseen`):
    /// another root's store when its name is the configured image (`readForeignLoop`), else a
    /// device store's loop device over a file outside this root's view.
    public var unseenLoop: ForeignLoopStore?
    /// The filesystem holding the image cannot be written (`HostReadOnly`).
    public var hostReadOnly: HostReadOnly?
    /// Block copies of the store's members attached beside it (`StoreCopies`): the boot's
    /// `UUID=` may mount either. Read only as root (block devices are root's to read).
    public var copies: [[StoreCopy]] = []
    /// Other loop devices bound to the store's image (`LoopDevice.siblings`): mounted, a second
    /// btrfs instance of it that loses files (CRITICAL); bound only, one anyone can mount (WARNING).
    public var secondLoops: [SiblingLoop] = []
    /// Loop members over another file than the image, which no boot attaches (`UnbootedLoopMember`).
    public var unbootedMembers: [UnbootedLoopMember] = []
    /// Loop members over a file on tmpfs or ramfs, which no reboot keeps (`VolatileLoopMember`).
    public var volatileMembers: [VolatileLoopMember] = []
    /// Loop devices stacked on the store's loop device or device (`LoopDevice.stacked`): the
    /// same bytes, so mounted, a second btrfs instance (CRITICAL); bound only, WARNING. Those
    /// over a loop member (or over another loop device of its image) are the image's
    /// (`image_second_*`), those over any other member the device's (`device_second_*`).
    public var imageStackedLoops: [StackedLoop] = []
    public var deviceStackedLoops: [StackedLoop] = []
    /// /sys/fs/btrfs/<uuid>/exclusive_operation when not `none` (balance, device remove, …);
    /// nil when none runs or the kernel does not tell (before 5.10).
    public var exclusiveOperation: String?
    /// Why dockerd, as docker.service starts it, would not use the store as its data root
    /// (`DataRootCondition`); nil when it would.
    public var dataRootElsewhere: String?
    /// Why the storage driver dockerd is set to does not fit the store (`DriverCondition`); nil when it does.
    public var driverElsewhere: String?
    /// A migration journal that is there but cannot be read as one (cut short, empty, a folder,
    /// a link), with the reason: the next boot's provision refuses on it and mounts nothing
    /// (attack 25 J4). Not judged without root, when the file is root's alone.
    public var journalUnreadable: String?
    /// An open migration of this store (its journal names the store's btrfs), in status's words
    /// (`MigrationJournal.openProblem`): while migrate-ebs runs, a move under way; after a
    /// kill, a half-done move that only a run of migrate-ebs finishes (attack 52 V: check said
    /// OK after a kill right after the replace). Not judged without root, as the journal.
    public var openMigration: String?
    /// An option of the store's fstab line the kernel rejects, said (`FstabRejectedOption`): the
    /// next boot's mount fails (attack 26 L3). As root only.
    public var fstabOptionRejected: String?
    /// What `check` needed but could not read, each with why; every entry is UNKNOWN.
    public var unreadable: [String] = []
    /// Who ran the check, as `uid 65534 (nobody)`, filled when something was unreadable.
    public var user: String?
    /// The error counters seen by the last run, for telling a rise.
    public var errorBaseline: DeviceErrorBaseline = .notNeeded

    public init() {}
}

/// The device error counters a previous run recorded, for telling whether they rose.
public enum DeviceErrorBaseline: Sendable, Equatable, Codable {
    /// Every counter is zero: nothing to compare, nothing read.
    case notNeeded
    /// The counters by `uuid/devid` the last run saw (an absent device was all zeros), and
    /// when a run first saw each device's counters rise.
    case recorded(DeviceErrorRecord)
    /// The record could not be read: why.
    case unreadable(String)

    public static func key(uuid: String?, devid: UInt64) -> String { "\(uuid ?? "-")/\(devid)" }
}

/// A member of the mounted store whose node in /dev is missing or another device's.
public struct NodelessMember: Sendable, Equatable, Codable {
    public var devid: UInt64
    public var device: NodelessHolder
}
