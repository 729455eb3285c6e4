/// What `migrate-ebs` sees: the mounted store's members and the target device.
public struct MigrationObservation: Sendable, Equatable {
    public var mountpoint: String
    public var mounted: Bool
    public var fstype: String?
    public var uuid: String?
    public var members: [BtrfsReading.Device]
    /// The member that is a loop device over the image.
    public var loopMember: BtrfsReading.Device?
    /// A member that is a loop device over another root's file (`ForeignLoopStore`).
    public var foreignLoop: ForeignLoopStore? = nil
    /// No member bound to the configured image (fstab's line, else DOCKSTORE_IMAGE), yet one
    /// bound to a file a rename could have left (`MovedImage`): the store is still the image's,
    /// under another name (attack 22 G1). With a migration open, the journal's image renamed:
    /// a member bound to the inode the journal recorded (attack 23 H2).
    public var movedImage: MovedImage? = nil
    /// The image file's inode, read while a loop member is bound to it: what a journal begun
    /// now records (`MigrationJournal.imageInode`).
    public var imageInode: UInt64? = nil
    /// The inode of the file at the image's path now, whatever is bound: a migration deletes
    /// only the inode its journal recorded (attack 24 I4: a copy put at the name was deleted).
    public var inodeAtImagePath: UInt64? { fileAtImagePath?.inode }
    /// The file at the image's path now: its filesystem and its number of names (hard links),
    /// for what a finished move says it left (`MigrationImageReport`).
    public var fileAtImagePath: FileStatus? = nil
    public var image: HostBacking?
    public var imageExists: Bool
    /// A member that is a loop device over the image's path whose file was deleted or replaced
    /// while mounted (the kernel marks its backing file deleted): it holds part of the store,
    /// and nothing proves it is the image any more.
    public var orphanedLoopMember: BtrfsReading.Device?
    /// A reclaim journal is open: a reclaim run lent the store temporary room (a grown image,
    /// a temporary member) it has not given back. A migration does not start then: the
    /// give-back would shrink whatever device the store is on by the lent room.
    public var reclaimOpen = false
    /// Whether that run lent the store room (`ReclaimJournal.roomLent`); true unless read.
    public var reclaimRoomLent = true
    /// The store on the device(s) other than the image's is damaged or cannot be judged
    /// (`MovedStoreDamage`); nil when sound. A move with a journal open, or off the image, stops.
    public var damage: MovedStoreDamage?
    /// A target that is a loop device: the file behind it and its host filesystem's free space
    /// (the move writes the store's chunks into that file); nil for any other device.
    public var targetBacking: HostBacking?
    /// Why the file behind a loop-device target could not be looked at: cannot tell refuses.
    public var targetBackingUnreadable: String?
    /// The target device; nil when it already is a member of the filesystem.
    public var target: DeviceObservation?
    /// The target's devid when it is already a member (a re-run after a crash).
    public var targetDevid: UInt64?
    public var targetPath: String
    public var targetSize: UInt64
    /// /sys/fs/btrfs/<uuid>/exclusive_operation ("none" when idle).
    public var exclusiveOperation: String
    public var fstab: [UInt8]?
    /// The image store's mount unit drop-in (`MountDropIn`), as read; nil when there is none.
    public var mountDropIn: [UInt8]? = nil
    /// The mountpoint as systemd names its mount unit (`Host.unitPath`: links resolved inside
    /// the root); nil: the mountpoint as given.
    public var mountUnitPath: HostPath? = nil
    public var metadataChunkNeed: UInt64
    /// The open migration journal; nil when there is none.
    public var journal: MigrationJournal?
    /// With nothing mounted: the devices that hold the journal's filesystem UUID now (not a loop
    /// device over the image), which a reboot may have renamed (attack 19, N1).
    public var journalMembersNow: [String] = []
    /// Those of `journalMembersNow` that are block copies of one member (`StoreCopies`): a
    /// migration never makes them, so none is the migration's volume (attack 32, S m5: two
    /// copies of the image were named as it).
    public var journalMemberCopies: [[StoreCopy]] = []
    /// With nothing mounted: the image holds the journal's btrfs alone (its superblock counts one
    /// device: a replace that failed or was canceled): provision mounts the store from it, so no
    /// volume is missing (attack 32, S m2: "no device holds the store's filesystem: attach that
    /// volume", for a volume that never held it).
    public var imageHoldsJournalStore = false
    /// The mounted store is read-only (mounted `ro`, or forced read-only by btrfs): no device
    /// can be added, replaced or removed, and the journal could be written but not the move
    /// (attack 32, S ro4: migrate-ebs wrote its journal, failed with EROFS, and left teardown
    /// blocked by the open migration). The planner refuses, nothing changed.
    public var readOnly: StoreCondition.ReadOnly = .no
    public var journalExists: Bool { journal != nil }
    /// The target's EBS volume id, when it has one.
    public var targetVolumeID: String?
    /// The target's identity now (`DeviceIdentity.of`), compared with the journal's.
    public var targetIdentity: DeviceIdentity? = nil
    /// Where the device the journal's identity names is now, read only when it is not the
    /// target: the name to finish or undo the migration with after a reboot renamed it.
    public var journalDeviceNow: [String] = []
    /// The target is a loop device whose backing file lies on the store itself.
    public var targetBackedByStore: Bool
    /// The kernel's device replace status; nil when the kernel refused to report it
    /// (`replaceRefused` says why): then replace cannot serve and add + remove does.
    public var replace: BtrfsDeviceReplace.Status?
    public var replaceRefused: String?
    /// While a replace is under way: its target (the kernel's devid 0).
    public var replaceTarget: BtrfsReading.Device?
    /// The given device is that replace target.
    public var targetIsReplaceTarget: Bool
    /// The given device carries this store's btrfs superblock as devid 0 while no replace runs:
    /// the target of a replace that was canceled or could not resume (on Linux 6.7 and later
    /// a reboot mid-replace leaves it so). Replace may start onto it again; nothing else may.
    public var targetIsStaleReplaceTarget: Bool
    /// The given device still carries exactly the partial copy that a replace canceled by
    /// `migrate-ebs --abort` left on it, as recorded then (`CanceledReplaceTarget`): dockstore
    /// wrote it, so replace may start onto it again; nothing else may.
    public var canceledReplaceTarget: CanceledReplaceTarget?
    /// Every canceled replace target recorded for this store (on the given device or any
    /// other): a move drops them once the store left the image (`MigrationStep.forgetCanceled`).
    public var canceledRecords: [CanceledReplaceTarget] = []
    /// The given device carries this store's btrfs superblock as the kernel scratches it when a
    /// device leaves a filesystem (a device remove, a canceled replace: the magic zeroed, the
    /// rest kept): a device this store released. Nothing of the store is on it any more.
    public var targetReleasedByStore: Bool
    /// The size of the image's loop device (its btrfs device may have been shrunk below it).
    public var loopDeviceSize: UInt64?
    /// The figures that tell whether the kernel can start a replace (`ReplaceStartRoom`);
    /// nil until the mounted btrfs was read, and then a replace is not chosen.
    public var replaceStartRoom: ReplaceStartRoom?

    /// No defaults: every fact is what the observer read (tests build theirs with a helper
    /// of their own).
    public init(mountpoint: String, mounted: Bool, fstype: String?, uuid: String?, members: [BtrfsReading.Device],
                loopMember: BtrfsReading.Device?, image: HostBacking?, imageExists: Bool, target: DeviceObservation?,
                targetDevid: UInt64?, targetPath: String, targetSize: UInt64, exclusiveOperation: String,
                fstab: [UInt8]?, metadataChunkNeed: UInt64, journal: MigrationJournal?, targetVolumeID: String?,
                targetBackedByStore: Bool, replace: BtrfsDeviceReplace.Status?, replaceRefused: String?,
                replaceTarget: BtrfsReading.Device?, targetIsReplaceTarget: Bool, targetIsStaleReplaceTarget: Bool,
                canceledReplaceTarget: CanceledReplaceTarget?, targetReleasedByStore: Bool, loopDeviceSize: UInt64?) {
        self.mountpoint = mountpoint
        self.mounted = mounted
        self.fstype = fstype
        self.uuid = uuid
        self.members = members
        self.loopMember = loopMember
        self.image = image
        self.imageExists = imageExists
        self.target = target
        self.targetDevid = targetDevid
        self.targetPath = targetPath
        self.targetSize = targetSize
        self.exclusiveOperation = exclusiveOperation
        self.fstab = fstab
        self.metadataChunkNeed = metadataChunkNeed
        self.journal = journal
        self.targetVolumeID = targetVolumeID
        self.targetBackedByStore = targetBackedByStore
        self.replace = replace
        self.replaceRefused = replaceRefused
        self.replaceTarget = replaceTarget
        self.targetIsReplaceTarget = targetIsReplaceTarget
        self.targetIsStaleReplaceTarget = targetIsStaleReplaceTarget
        self.canceledReplaceTarget = canceledReplaceTarget
        self.targetReleasedByStore = targetReleasedByStore
        self.loopDeviceSize = loopDeviceSize
    }

    /// A device replace is started or suspended on the store.
    public var replaceOngoing: Bool { replace?.state.isOngoing == true }

    /// Members that are neither the image's loop device nor the target: a device another
    /// migration added.
    var otherDevices: [BtrfsReading.Device] {
        members.filter { $0.devid != loopMember?.devid && $0.devid != targetDevid }
    }
}
