/// What was seen of the device `provision --device` is to use.
public struct DeviceObservation: Sendable, Equatable {
    public var device: ResolvedDevice
    public var kind: FileStatus.Kind
    public var readOnly: Bool
    public var size: UInt64
    /// Where the device or one of its partitions is mounted (real paths).
    public var mountedAt: [String]
    public var swap: Bool
    /// device-mapper or md devices built on it or its partitions.
    public var holders: [String]
    /// The disk that holds / (or --root), when the device is that disk or a partition of it.
    public var rootDisk: String?
    /// The whole disk, when the device is a partition of it.
    public var partitionOf: String?
    public var content: BlockContent
    /// The UUID of a mounted btrfs this device is a member of (whatever the mount table shows).
    public var btrfsMemberOf: String?
    /// Where this namespace shows that btrfs mounted, by any of its members (the mount table
    /// names one member of a multi-device btrfs); read only when the device itself is not.
    public var btrfsMountedAt: [String] = []
    /// Where that btrfs is mounted in other mount namespaces (`ForeignMounts`), read when this
    /// namespace shows the device mounted nowhere: a copy of the mount the store's unmount here
    /// left behind (attack 15, C15).
    public var mountedInOtherNamespaces: [ForeignMount] = []
    /// The kernel refused an exclusive open (O_EXCL: EBUSY) while nothing else seen (a mount,
    /// a btrfs, swap, a holder) explains it: another program holds the device (asked only by
    /// the commands that would write to it, `DeviceInspector.asksKernel`).
    public var heldByAnotherProgram = false
    /// The UUID a new filesystem gets (chosen at observation so the plan can show the fstab line).
    public var newUUID: String
    /// The record `migrate-ebs --abort` left of this device, when it still holds exactly the
    /// partial copy the canceled replace wrote (read only for data no signature describes,
    /// without --force): dockstore's own leftover, formatted without --force.
    public var canceledReplaceTarget: CanceledReplaceTarget? = nil
    /// What names the device across a reboot (`DeviceIdentity`); nil when it has nothing
    /// dockstore trusts.
    public var identity: DeviceIdentity? = nil
    /// The write-ahead record of a format a killed run began (`FormatRecord`), whichever device it names.
    public var formatRecord: FormatRecord? = nil
    /// Where the device that record names is now (`DeviceIdentity.currentDevices`), read only
    /// when it names another device than this one: attached under another name, the killed
    /// format is that device's to finish (attack 33 U F1).
    public var formatRecordDeviceNow: [String] = []
    /// The fsid of the temporary superblock mkfs.btrfs writes early (`BtrfsSuperblock.readTemporary`),
    /// when the device holds one: read only for data no known signature describes while a format
    /// record is there. With the record, the device's own proof that the recorded format began on it.
    public var temporaryBtrfsFSID: String? = nil
    /// Block copies of the members of the btrfs the device holds (`StoreCopies`), each group
    /// two or more devices carrying one member: the store cannot be told from a stale copy.
    public var copies: [[StoreCopy]] = []
    /// What the device is bound to when it is a loop device (a file, or a device): no boot
    /// attaches it unless the admin's own unit does (attack 50 T C2), which dockstore cannot see.
    public var loopBacking: String? = nil
    /// For a btrfs of several devices (its superblock's num_devices) that no mount holds: how
    /// many it has and which devices with its UUID are attached. The kernel mounts it only with
    /// all of them (attack 53 W Z6b, 52 V F6: status said "mount pending", and the mount failed
    /// with a bare ENOENT).
    public var btrfsMembers: BtrfsMembers? = nil

    public struct BtrfsMembers: Sendable, Equatable {
        public var expected: UInt64
        public var attached: [String]
    }
    /// Why `loopBacking` could not be read.
    public var loopBackingUnreadable: String? = nil
    /// Where the loop device's bytes live in memory (`MemoryFilesystem.under`), which no reboot keeps.
    public var loopBackingInMemory: String? = nil

    /// No defaults: an observation says what was seen, or the planner refuses (tests build
    /// theirs with a helper of their own).
    public init(device: ResolvedDevice, kind: FileStatus.Kind, readOnly: Bool,
                size: UInt64, mountedAt: [String], swap: Bool, holders: [String],
                rootDisk: String?, content: BlockContent, newUUID: String) {
        self.device = device
        self.kind = kind
        self.readOnly = readOnly
        self.size = size
        self.mountedAt = mountedAt
        self.swap = swap
        self.holders = holders
        self.rootDisk = rootDisk
        self.content = content
        self.newUUID = newUUID
    }
}

extension DeviceObservation {
    /// The refusal of provision --device and migrate-ebs to make a store of a loop device over
    /// a file in memory: the next reboot loses it whatever attaches it (attack 54 X 2).
    public var inMemoryRefusal: DockStoreError? {
        guard let inMemory = loopBackingInMemory else { return nil }
        return .refused("refusing: \(device.label) is a loop device over \(inMemory), which no reboot keeps: the store on it would be lost at the next reboot; give a volume (or a loop device over a file on a disk filesystem); nothing was changed")
    }

    /// The warning of provision --device and migrate-ebs when they make a store of a loop
    /// device: nothing attaches it at the next boot unless the admin set that up.
    public func notAttachedAtBootWarning(mountpoint: String) -> String? {
        if let loopBackingUnreadable {
            return "whether \(device.label) is a loop device, which no boot attaches unless a unit of yours runs losetup before dockstore-provision.service, cannot be told (\(loopBackingUnreadable)); an EBS volume is attached by EC2"
        }
        guard let loopBacking else { return nil }
        return "\(device.label) is a loop device over \(loopBacking), which no boot attaches unless a unit of yours runs losetup before dockstore-provision.service: without one the next boot does not mount the store at \(mountpoint) and Docker stays down (an EBS volume is attached by EC2)"
    }
}
