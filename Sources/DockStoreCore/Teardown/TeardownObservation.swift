/// What `teardown` sees.
public struct TeardownObservation: Sendable, Equatable {
    /// dockerd's pid when its pidfile names a live process, or its socket answers (pid 0).
    public var dockerdPID: Int32?
    public var mounted: MountEntry?
    /// Loop devices still attached to the image.
    public var imageLoops: [String]
    public var imageExists: Bool
    /// The store's block device (not a loop device), when it has one.
    public var device: String?
    /// Where that device is mounted besides the mountpoint.
    public var deviceMountedElsewhere: [String]
    public var fstab: [UInt8]?
    /// The UUID of the store's filesystem, for recognising its fstab line.
    public var storeUUID: String?
    /// The member devices of the btrfs mounted at the mountpoint (`BtrfsReading`): a store of
    /// several is not wiped by `--wipe-device`, which wipes one (attack 53 W Z5b).
    public var storeMembers: [String] = []
    /// The label of the filesystem on `device`.
    public var deviceLabel: String?
    /// The filesystem UUID the open migration journal records, if any.
    public var journalUUID: String?
    /// A migration journal is open (also one from before UUIDs were recorded).
    public var migrationOpen: Bool
    /// Whose the docker.service drop-in is; nil when it does not exist.
    public var dropIn: DockerDropIn.Ownership?
    /// Whose the store's mount unit drop-in (`MountDropIn`) is; nil when it does not exist.
    public var mountDropIn: DockerDropIn.Ownership? = nil
    /// dockstore's drop-in of the unit docker.service's drop-in waits for, when the mountpoint
    /// resolves to another unit now (`StaleMountDropIn`).
    public var staleMountDropIn: StaleMountDropIn? = nil
    /// The unit docker.service's drop-in waits for, when the mountpoint resolves to another one
    /// now (`DockerDropIn.formerUnit`): a link on its path was changed since provision ran.
    public var formerUnit: String? = nil
    /// That unit's drop-in when it stays because it is not dockstore's as written (edited).
    public var keptFormerMountDropIn: HostPath? = nil
    /// The mountpoint as systemd names its mount unit (`Host.unitPath`: links resolved inside
    /// the root); nil: the mountpoint as given.
    public var mountUnitPath: HostPath? = nil
    public var sysconfig: [UInt8]?
    public var systemdRunning: Bool
    /// /etc/dockstore.disabled exists.
    public var bootDisabled: Bool
    /// /var/lib/dockstore/reclaim.json exists: a reclaim run lent the store room (a grown
    /// image or a temporary member) and has not given it back.
    public var reclaimOpen: Bool
    /// With a reclaim journal open: whether its run lent the store room (`ReclaimJournal.roomLent`).
    public var reclaimRoomLent = true
    /// The image file teardown looked at (inside --root, no link followed): delete-image
    /// removes only that file, never another one put at its name since. Read by
    /// `Teardowner.observe` after the store observation; nil when there is no image.
    public var imageFile: FileIdentity?
    /// dockstore-provision.service is enabled in the root (`Host.provisionUnitEnabled`), so boot
    /// would set the store up again unless /etc/dockstore.disabled exists. Read by
    /// `Teardowner.observe`; true (the marker is written) until then.
    public var provisionUnitEnabled = true
    /// The folders provision created, as the drop-in records them (`DockerDropIn+Folders`);
    /// set by `Teardowner.observe`.
    public var createdFolders: [HostPath] = []
    /// The folders `ProvisionFolderRecord` names; nil when there is no record. Set by
    /// `Teardowner.observe`, which refuses a record it cannot read.
    public var folderRecord: [HostPath]? = nil
    /// /etc/docker/daemon.json, and what it held before provision removed its storage keys
    /// (`DaemonJSONRecord`); set by `Teardowner.observe`.
    public var daemonJSON: [UInt8]? = nil
    public var daemonJSONRecord: [UInt8]? = nil
    /// /etc/sysconfig/dockstore as read, for the lines provision added there (`BootSettingsUndo`).
    public var bootSettings: [UInt8]? = nil
    /// What a killed provision or move left beside the image (`ImageLeftover`); set by
    /// `Teardowner.observe`.
    public var imageLeftovers: [ImageLeftover] = []
    /// The format record a `provision --device` killed inside mkfs left (`FormatRecordLeftover`);
    /// set by `Teardowner.observe`, which refuses a file it cannot read as one.
    public var formatRecord: FormatRecordLeftover? = nil
    /// check's caches of this store (`CheckCacheLeftover`); set by `Teardowner.observe`.
    public var checkCaches: [CheckCacheLeftover] = []
    /// The UUID fstab's line at the mountpoint names (`UUID=…`) while nothing is mounted there
    /// and no block device this machine can read holds it (`BlockProbe.device(withUUID:)`): the
    /// store's device a killed `teardown --wipe-device` wiped, or one detached since. Set by
    /// `Teardowner.observe`. A device that cannot be read counts as not holding it: what
    /// follows (dockstore's own line removed, nothing wiped) never touches a device, and
    /// teardown could not wipe an unreadable one anyway; the line teardown prints says so.
    public var unheldFstabUUID: String? = nil
    /// The mountpoint of the store Docker's configuration in this root serves, when that is
    /// another store than this teardown's (`Teardowner.otherConfiguredStore`): what dockstore's
    /// drop-in names (`DockerDropIn.mountpoint(in:)`), or without a drop-in the settings' mountpoint.
    /// Teardown then takes down only the store at its mountpoint and keeps the drop-in, the
    /// storage flags, daemon.json's record, the folder and format records and the boot unit,
    /// which are that other store's (`TeardownPlanner.configurationNote`). nil: they are this
    /// store's. Set by `Teardowner.observe`.
    public var configuredForOtherStore: HostPath? = nil
    /// What the image file holds (libblkid), read with `imageFile`: --delete-image deletes only
    /// a btrfs labelled docker, the store dockstore made (`TeardownPlanner.isStoreImage`), never
    /// whatever file `--image` names (attack 10: `--image /etc/fstab --delete-image`).
    public var imageContent: BlockContent? = nil

    /// No defaults: every fact is what the observer read (tests build theirs with a helper
    /// of their own).
    public init(dockerdPID: Int32?, mounted: MountEntry?, imageLoops: [String], imageExists: Bool, device: String?,
                deviceMountedElsewhere: [String], fstab: [UInt8]?, storeUUID: String?, deviceLabel: String?,
                journalUUID: String?, migrationOpen: Bool, dropIn: DockerDropIn.Ownership?, sysconfig: [UInt8]?,
                systemdRunning: Bool, bootDisabled: Bool, reclaimOpen: Bool) {
        self.dockerdPID = dockerdPID
        self.mounted = mounted
        self.imageLoops = imageLoops
        self.imageExists = imageExists
        self.device = device
        self.deviceMountedElsewhere = deviceMountedElsewhere
        self.fstab = fstab
        self.storeUUID = storeUUID
        self.deviceLabel = deviceLabel
        self.journalUUID = journalUUID
        self.migrationOpen = migrationOpen
        self.dropIn = dropIn
        self.sysconfig = sysconfig
        self.systemdRunning = systemdRunning
        self.bootDisabled = bootDisabled
        self.reclaimOpen = reclaimOpen
        self.imageFile = nil
    }
}
