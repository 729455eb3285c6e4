/// What `migrate-ebs` sees: the mounted store's members and the target device.
public struct MigrationObservation: Sendable, Equatable {
    public var mountpoint: String
    public var mounted: Bool
    public var fstype: String?
    public var uuid: String?
    public var members: [BtrfsReading.Device]
    /// The member that is a loop device over the image.
    public var loopMember: BtrfsReading.Device?
    public var image: HostBacking?
    public var imageExists: Bool
    /// The target device; nil when it already is a member of the filesystem.
    public var target: DeviceObservation?
    /// The target's devid when it is already a member (a re-run after a crash).
    public var targetDevid: UInt64?
    public var targetPath: String
    public var targetSize: UInt64
    /// /sys/fs/btrfs/<uuid>/exclusive_operation ("none" when idle).
    public var exclusiveOperation: String
    public var fstab: [UInt8]?
    public var metadataChunkNeed: UInt64
    /// The open migration journal; nil when there is none.
    public var journal: MigrationJournal?
    public var journalExists: Bool { journal != nil }
    /// The target's EBS volume id, when it has one.
    public var targetVolumeID: String?
    /// The target is a loop device whose backing file lies on the store itself.
    public var targetBackedByStore: Bool

    public init(mountpoint: String, mounted: Bool, fstype: String?, uuid: String?,
                members: [BtrfsReading.Device] = [], loopMember: BtrfsReading.Device? = nil, image: HostBacking? = nil,
                imageExists: Bool = true, target: DeviceObservation? = nil, targetDevid: UInt64? = nil,
                targetPath: String, targetSize: UInt64 = 0, exclusiveOperation: String = "none",
                fstab: String? = nil, metadataChunkNeed: UInt64 = 512 << 20,
                journal: MigrationJournal? = nil, targetVolumeID: String? = nil, targetBackedByStore: Bool = false) {
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
        self.fstab = fstab.map { Array($0.utf8) }
        self.metadataChunkNeed = metadataChunkNeed
        self.journal = journal
        self.targetVolumeID = targetVolumeID
        self.targetBackedByStore = targetBackedByStore
    }

    /// Members that are neither the image's loop device nor the target: a device another
    /// migration added.
    var otherDevices: [BtrfsReading.Device] {
        members.filter { $0.devid != loopMember?.devid && $0.devid != targetDevid }
    }
}

/// One idempotent step of a migration; `id` is its failpoint name.
public enum MigrationStep: Sendable, Equatable {
    case begin(journal: MigrationJournal)
    case addDevice(path: String)
    case removeLoop(devid: UInt64, path: String, bytes: UInt64)
    /// `--abort`: move everything back onto the image and release the device.
    case removeDevice(devid: UInt64, path: String, bytes: UInt64)
    case resize(path: String)
    case writeFstab(bytes: [UInt8], line: String)
    case detachLoop(path: String)
    case deleteImage(path: String)
    case finish

    public var id: String {
        switch self {
        case .begin: return "journal"
        case .addDevice: return "add-device"
        case .removeLoop: return "remove-loop"
        case .removeDevice: return "remove-device"
        case .resize: return "resize"
        case .writeFstab: return "fstab"
        case .detachLoop: return "detach-loop"
        case .deleteImage: return "delete-image"
        case .finish: return "finish"
        }
    }

    public static let allIDs = ["journal", "add-device", "remove-loop", "resize", "fstab", "detach-loop", "delete-image", "finish"]
    public static let abortIDs = ["remove-device", "finish"]

    public var description: String {
        switch self {
        case .begin(let journal): return "record the migration onto \(journal.deviceLabel) (btrfs \(journal.filesystemUUID ?? "?")) in the journal"
        case .addDevice(let path): return "add \(path) to the mounted btrfs"
        case .removeLoop(let devid, let path, let bytes):
            return "remove \(path) (devid \(devid)) from it, moving \(ByteSize.format(bytes)) of chunks onto the new device"
        case .removeDevice(let devid, let path, let bytes):
            return "remove \(path) (devid \(devid)) again, moving \(ByteSize.format(bytes)) of chunks back onto the image"
        case .resize(let path): return "grow btrfs on \(path) to the whole device"
        case .writeFstab(_, let line): return "fstab: mount by UUID: '\(line)'"
        case .detachLoop(let path): return "detach \(path)"
        case .deleteImage(let path): return "delete \(path)"
        case .finish: return "close the journal"
        }
    }
}

/// The pure decision behind `migrate-ebs`.
public enum MigrationPlanner {
    /// `--abort`: possible while the image is still part of the filesystem. It releases the
    /// device the migration added — found by membership in the store, never by name — and
    /// refuses a device that is not part of the migration.
    public static func planAbort(_ o: MigrationObservation) throws -> [MigrationStep] {
        guard o.mounted, o.fstype == "btrfs" else {
            throw DockStoreError.refused("nothing is mounted at \(o.mountpoint); run dockstore provision first, then abort")
        }
        guard o.loopMember != nil else {
            throw DockStoreError.refused("the image is no longer part of the store at \(o.mountpoint); the move is past the point of return: run migrate-ebs again to finish it")
        }
        if let devid = o.targetDevid, devid == o.loopMember?.devid {
            throw DockStoreError.refused("\(o.targetPath) is the image's own loop device (devid \(devid) of the store); give the device the migration moved onto")
        }
        if o.targetDevid == nil, let added = o.otherDevices.first {
            throw DockStoreError.refused("the migration at \(o.mountpoint) is onto \(added.path) (devid \(added.devid)), not \(o.targetPath); abort it with: dockstore migrate-ebs \(added.path) --abort")
        }
        if o.targetDevid == nil, let journal = o.journal, !sameDevice(journal, o) {
            throw DockStoreError.refused("the open migration is onto \(journal.deviceLabel), not \(o.targetPath); abort it with: dockstore migrate-ebs \(journal.volumeID ?? journal.device) --abort")
        }
        var steps: [MigrationStep] = []
        if let devid = o.targetDevid {
            let used = o.members.first(where: { $0.devid == devid })?.used ?? 0
            steps.append(.removeDevice(devid: devid, path: o.targetPath, bytes: used))
        }
        if o.journalExists || !steps.isEmpty { steps.append(.finish) }
        return steps
    }

    /// Whether the target is the journal's device, for a journal whose device was not added
    /// yet: by EBS volume id when both have one, else by the name it was given.
    static func sameDevice(_ journal: MigrationJournal, _ o: MigrationObservation) -> Bool {
        if let recorded = journal.volumeID, let actual = o.targetVolumeID { return recorded == actual }
        return journal.device == o.targetPath
    }

    public static func plan(_ o: MigrationObservation, keepImage: Bool, imageHostPath: HostPath,
                            mountpoint: HostPath, host: Host) throws -> [MigrationStep] {
        guard o.mounted else {
            throw DockStoreError.refused("nothing is mounted at \(o.mountpoint); run dockstore provision first (a store that spans the image and the device comes up with it)")
        }
        guard o.fstype == "btrfs", let uuid = o.uuid else {
            throw DockStoreError.refused("\(o.mountpoint) is \(o.fstype ?? "not mounted"), not a btrfs store; migrate-ebs moves the btrfs loopback image")
        }
        guard o.loopMember != nil || o.journalExists || o.targetDevid != nil else {
            throw DockStoreError.refused("the store at \(o.mountpoint) is not the loopback image (it is on \(o.members.map(\.path).joined(separator: ", "))); nothing to migrate")
        }
        if o.exclusiveOperation != "none" && !o.exclusiveOperation.isEmpty {
            throw DockStoreError.refused("a btrfs \(o.exclusiveOperation) is running on \(o.mountpoint); wait for it to finish (btrfs balance status / btrfs device usage) and re-run")
        }
        if let devid = o.targetDevid, devid == o.loopMember?.devid {
            throw DockStoreError.refused("refusing: \(o.targetPath) is the image's own loop device (devid \(devid) of the store at \(o.mountpoint)); give the EBS volume's device")
        }
        if o.targetBackedByStore {
            throw DockStoreError.refused("refusing: \(o.targetPath) is a loop device over a file inside the store at \(o.mountpoint); the store cannot move onto itself: give the EBS volume's device")
        }
        if o.targetDevid == nil, o.journalExists {
            if let added = o.otherDevices.first {
                throw DockStoreError.refused("a migration onto \(added.path) (devid \(added.devid)) is under way at \(o.mountpoint), not onto \(o.targetPath); finish it with: dockstore migrate-ebs \(added.path) (or undo it with --abort)")
            }
            if let journal = o.journal, !sameDevice(journal, o) {
                throw DockStoreError.refused("the open migration is onto \(journal.deviceLabel), not \(o.targetPath); finish it with: dockstore migrate-ebs \(journal.volumeID ?? journal.device), or undo it with --abort")
            }
        }
        var steps: [MigrationStep] = []
        if o.targetDevid == nil {
            guard let target = o.target else {
                throw DockStoreError.refused("the device \(o.targetPath) was not looked at")
            }
            try DevicePlanner.refuseInUse(target, mountpoint: o.mountpoint)
            if target.readOnly {
                throw DockStoreError.refused("refusing: \(target.device.label) is read-only; attach the volume read-write")
            }
            guard target.content == .blank else {
                throw DockStoreError.refused("refusing: \(target.device.label) holds \(target.content.summary); migrate-ebs needs a blank volume and never formats one that holds data")
            }
            let need = (o.loopMember?.used ?? 0) + 2 * o.metadataChunkNeed
            if target.size < need {
                throw DockStoreError.refused("refusing: \(target.device.label) is \(ByteSize.format(target.size)), but the store has \(ByteSize.format(o.loopMember?.used ?? 0)) allocated and needs \(ByteSize.format(need)) with room for two metadata chunks; attach a larger volume")
            }
            steps.append(.addDevice(path: o.targetPath))
        }
        if let loop = o.loopMember {
            steps.append(.removeLoop(devid: loop.devid, path: loop.path, bytes: loop.used))
        }
        let devidSize = o.members.first(where: { $0.path == o.targetPath })?.size
        if o.targetDevid == nil || devidSize.map({ $0 < o.targetSize }) == true {
            steps.append(.resize(path: o.targetPath))
        }
        let fstab = FstabFile(bytes: o.fstab ?? [])
        let line = FstabEntry(source: "UUID=\(uuid)", target: mountpoint.string, fstype: "btrfs", options: ["nofail", ProvisionRequest.orderingOption])
        var updated = fstab
        let existing = fstab.entries(mountingAt: mountpoint)
        if let first = existing.first {
            if first.entry != line {
                updated.replace(lineAt: first.index, with: line)
            }
        } else {
            updated.append(line)
        }
        if updated != fstab { steps.append(.writeFstab(bytes: updated.bytes, line: line.rendered)) }
        if let loop = o.loopMember { steps.append(.detachLoop(path: loop.path)) }
        // The image goes only as the last step of this migration: never one kept by an
        // earlier --keep-image (no journal, no loop member), never when the journal says keep.
        let keep = keepImage || o.journal?.keepImage == true
        let migrating = o.loopMember != nil || o.journalExists
        if !keep && migrating && o.imageExists { steps.append(.deleteImage(path: host.real(imageHostPath))) }
        if steps.isEmpty && !o.journalExists { return [] }
        let journal = MigrationJournal(image: imageHostPath.string, device: o.targetPath, filesystemUUID: uuid,
                                       volumeID: o.targetVolumeID, keepImage: keepImage)
        return (o.journalExists ? [] : [.begin(journal: journal)]) + steps + [.finish]
    }
}
