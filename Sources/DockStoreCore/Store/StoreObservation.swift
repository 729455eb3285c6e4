/// Docker's store as one read of the host saw it: the mount and its btrfs (every member by
/// devid and device UUID), the image and its loop devices, the fstab file, the migration and
/// reclaim journals, the boot switch and whether systemd runs. Plain data: every command's
/// planner input is derived from it (plus the few reads only that command needs), so the
/// facts several commands share are read in one place, and table tests build it by hand.
///
/// A fact that could not be read is `.unreadable(why)`, never a default; a fact the command
/// did not ask for (`StoreObserver.Parts`) is unreadable too, naming that it was not read.
public struct StoreObservation: Sendable, Equatable {
    public enum Image: Sendable, Equatable {
        case missing
        /// Something that is not a regular file (a symlink, a folder, a device…).
        case notRegular(FileStatus.Kind)
        /// The file, what its first bytes hold, and every loop device bound to it.
        case file(size: UInt64, allocated: UInt64, content: BlockContent, loops: [LoopDevice])
    }

    /// The btrfs mounted at the mountpoint.
    public struct Btrfs: Sendable, Equatable {
        /// The kernel's reading: filesystem UUID, space, and every member by devid with its
        /// path and device UUID (DEV_INFO), a missing member included.
        public var reading: BtrfsReading
        /// The kernel names in /sys/fs/btrfs/<uuid>/devices: the members the kernel holds open,
        /// which the mount table (naming one) does not show.
        public var kernelMembers: StoreFact<[String]>

        public init(reading: BtrfsReading, kernelMembers: StoreFact<[String]>) {
            self.reading = reading
            self.kernelMembers = kernelMembers
        }

        public var uuid: String { reading.uuid }
        public var members: [BtrfsReading.Device] { reading.devices }
    }

    /// What the block device mounted at the mountpoint holds, and for a loop device its
    /// backing file as the kernel names it (`… (deleted)` once the file is gone).
    public struct MountedSource: Sendable, Equatable {
        public var content: BlockContent
        public var loopBackingFile: String?

        public init(content: BlockContent, loopBackingFile: String?) {
            self.content = content
            self.loopBackingFile = loopBackingFile
        }
    }

    /// The image's real path; nil for a command that does not know the image (grow, check).
    public var imagePath: String?
    /// The mountpoint's real path with its folders' symlinks resolved, as the mount table has it.
    public var mountpoint: String
    /// The mountpoint as given or configured (a path inside the root), where the command knows it.
    public var mountpointPath: HostPath?
    /// The whole mount table (other mounts of the store's devices matter too).
    public var mounts: StoreFact<[MountEntry]>
    /// The type of the filesystem mounted at the mountpoint (from the mount table, or for
    /// `check` asked of statx and statfs); nil when nothing is mounted there.
    public var mountedType: StoreFact<String?>
    /// nil when what is mounted at the mountpoint is not btrfs, or nothing is.
    public var btrfs: StoreFact<Btrfs?>
    /// nil when nothing is mounted at the mountpoint.
    public var mountedSource: StoreFact<MountedSource?>
    public var image: StoreFact<Image>
    /// /etc/sysconfig/dockstore, where the command took the paths it was not given from.
    public var settings: StoreFact<ProvisionSettings>
    /// /etc/fstab's bytes; nil when the file does not exist.
    public var fstab: StoreFact<[UInt8]?>
    /// The open migration journal; nil when there is none.
    public var migrationJournal: StoreFact<MigrationJournal?>
    /// The reclaim journal exists: a reclaim run lent the store room and has not given it back.
    public var reclaimOpen: StoreFact<Bool>
    /// /etc/dockstore.disabled exists (left by teardown).
    public var bootDisabled: StoreFact<Bool>
    /// systemd runs this root (units must be reloaded after an fstab or unit change).
    public var systemdRunning: StoreFact<Bool>
    /// The real path of the image the store at the mountpoint is configured with, which the next
    /// boot mounts (`MovedImage` compares the loop device's file with it); nil for a store that
    /// is not an image, and for a command that does not compare (grow, reclaim and migrate-ebs's
    /// capacity re-reads). Set by the command that knows it: check from fstab or the settings
    /// (`ConfiguredImage`), status for an image request.
    public var configuredImage: StoreFact<String?> = .read(nil)
    /// fstab's line for the mountpoint names a device (`ConfiguredImage.namesDevice`): a loop
    /// member over a file this root cannot see is then that device store's. Set with
    /// `configuredImage` (check and grow from fstab, status from its request).
    public var configuredDevice: StoreFact<Bool> = .read(false)
    /// What dockerd, as docker.service starts it, is told about its data root and storage
    /// driver (`DockerdStartSettings`). Read by check only.
    public var dockerdSettings: StoreFact<DockerdStartSettings> = .read(DockerdStartSettings())
    /// An option of fstab's line for the mountpoint that the kernel rejects, which fails the
    /// next boot's mount (`FstabRejectedOption`); judged only when fstab was read. Read by check only.
    public var fstabRejectedOption: StoreFact<FstabRejectedOption?> = .read(nil)
    /// The canonical path of the --root tree the command works on ("/" for the running system):
    /// a loop member over a file outside it is no image of this tree (`ForeignLoopStore.outside`).
    public var root: String = "/"

    public init(imagePath: String?, mountpoint: String, mounts: StoreFact<[MountEntry]>, mountedType: StoreFact<String?>,
                btrfs: StoreFact<Btrfs?>,
                mountedSource: StoreFact<MountedSource?>, image: StoreFact<Image>,
                settings: StoreFact<ProvisionSettings>, fstab: StoreFact<[UInt8]?>,
                migrationJournal: StoreFact<MigrationJournal?>, reclaimOpen: StoreFact<Bool>,
                bootDisabled: StoreFact<Bool>, systemdRunning: StoreFact<Bool>) {
        self.imagePath = imagePath
        self.mountpoint = mountpoint
        self.mounts = mounts
        self.mountedType = mountedType
        self.btrfs = btrfs
        self.mountedSource = mountedSource
        self.image = image
        self.settings = settings
        self.fstab = fstab
        self.migrationJournal = migrationJournal
        self.reclaimOpen = reclaimOpen
        self.bootDisabled = bootDisabled
        self.systemdRunning = systemdRunning
    }

    /// What is mounted at the mountpoint (the last mount there), if anything.
    public func mount() throws -> MountEntry? {
        try mounts.value().last(where: { $0.target.sameBytes(mountpoint) })
    }

    /// The loop devices bound to the image; none when it is not a regular file.
    public func imageLoops() throws -> [LoopDevice] {
        guard case .file(_, _, _, let loops) = try image.value() else { return [] }
        return loops
    }

    /// Where a loop device over the image is mounted, by the mount table.
    public func imageMountedAt() throws -> [String] {
        let loops = try imageLoops()
        let mounts = try mounts.value()
        return loops.flatMap { loop in mounts.filter { $0.source == loop.path }.map(\.target) }
    }

    /// The btrfs at the mountpoint has one of the image's loop devices among its members: a
    /// store mid-migration spans the image and a device, and the mount table may name either.
    public func btrfsSpansImage() throws -> Bool {
        guard let btrfs = try btrfs.value() else { return false }
        let loops = Set(try imageLoops().map(\.path))
        return btrfs.members.contains { loops.contains($0.path) }
    }

    /// The fstab entries that mount something at `mountpoint`, in file order.
    public func fstabEntries(mountingAt mountpoint: HostPath) throws -> [FstabEntry] {
        FstabFile(bytes: try fstab.value() ?? []).entries(mountingAt: mountpoint).map(\.entry)
    }
}
