import Dispatch

/// Moves a mounted btrfs store from its loop image onto a device, online: add the device,
/// remove the loop device (btrfs moves every chunk, so subvolumes, snapshots and shared
/// extents stay as they are and the filesystem UUID does not change), grow onto the whole
/// device, switch fstab to `UUID=`, detach, delete the image (renamed at once, its blocks
/// freed after the move: `RetiredImage`). A journal under
/// /var/lib/dockstore records that a migration is under way; each step checks its own
/// state, so a re-run after a crash continues.
public struct Migrator: Sendable {
    public let host: Host
    public let mountpoint: HostPath
    public let image: HostPath
    /// /etc/sysconfig/dockstore as this run read it (`StorePaths`); the observation carries it.
    public let settings: StoreFact<ProvisionSettings>
    public static let journal = MigrationJournal.path

    public init(host: Host, mountpoint: HostPath, image: HostPath, settings: StoreFact<ProvisionSettings>) {
        self.host = host
        self.mountpoint = mountpoint
        self.image = image
        self.settings = settings
    }

    /// Refuses a store that is not mounted before the target device is waited for (attack 31 Q
    /// D4: migrate-ebs waited the whole --wait for a device, then blamed its attachment, while
    /// the refusal it would have given at once was that nothing is mounted). A mounted store is
    /// left to `observe`.
    public func refuseUnmounted(abort: Bool) throws {
        guard try MountTable.read().mount(at: host.realFollowing(mountpoint)) == nil else { return }
        let o = try observe(nil)
        if !o.mounted { throw MigrationPlanner.nothingMounted(o, abort: abort) }
    }

    public func observe(_ device: ResolvedDevice) throws -> MigrationObservation {
        try observe(Optional(device))
    }

    /// `device` nil: only what the store shows while nothing is mounted (`refuseUnmounted`).
    private func observe(_ device: ResolvedDevice?) throws -> MigrationObservation {
        let store = StoreObserver(host: host, image: image, mountpoint: mountpoint, settings: settings).observe([.mount, .image, .files])
        let target = store.mountpoint
        if let refusal = try MountedOver.refusal(at: target, doing: "move the store") { throw refusal }
        if device != nil, let refusal = try NodelessHolder.recordedPathRefusal(store, doing: "move the store") { throw refusal }
        var imageExists = false
        if case .file = try store.image.value() { imageExists = true }
        // Nothing mounted until the mount is read below: the planner refuses on `mounted` and
        // `uuid` before it looks at any fact of the mounted btrfs, which are filled in below.
        var o = MigrationObservation(
            mountpoint: target, mounted: false, fstype: nil, uuid: nil, members: [], loopMember: nil, image: nil,
            imageExists: imageExists, target: nil, targetDevid: nil, targetPath: device?.path ?? "", targetSize: 0,
            exclusiveOperation: "none", fstab: try store.fstab.value(), metadataChunkNeed: 0,
            journal: try store.migrationJournal.value(), targetVolumeID: device?.volumeID?.description,
            targetBackedByStore: false, replace: nil, replaceRefused: "not read: no btrfs is mounted at \(target)",
            replaceTarget: nil, targetIsReplaceTarget: false, targetIsStaleReplaceTarget: false, canceledReplaceTarget: nil,
            targetReleasedByStore: false, loopDeviceSize: nil)
        o.mountUnitPath = host.unitPath(mountpoint)
        o.mountDropIn = try MountDropIn.read(unitPath: o.mountUnitPath ?? mountpoint, on: host)
        if let device, try FileStatus.following(device.path)?.kind == .blockDevice {
            o.targetIdentity = try DeviceIdentity.of(device)
            if let recorded = o.journal?.deviceIdentity, recorded != o.targetIdentity {
                o.journalDeviceNow = try recorded.currentDevices()
            }
        }
        o.reclaimOpen = try store.reclaimOpen.value()
        if o.reclaimOpen { o.reclaimRoomLent = ReclaimJournal.openRoomLent(host: host) }
        // A target that is no block device is said first, as given.
        if let device {
            guard let node = try FileStatus.following(device.path), node.kind == .blockDevice else {
                let kind = (try FileStatus.following(device.path))?.kind.rawValue ?? "missing file"
                throw DockStoreError.refused("\(device.label) is a \(kind), not a block device; give the EBS volume's device")
            }
            o.targetSize = try BlockDevice(path: device.path, lock: false).size()
        }
        // Nothing mounted: the planner refuses on that alone, naming the journal's volume as found now.
        guard let entry = try store.mount() else {
            // The image alone, as its superblock says (one device): not a store that spans it and
            // the volume mid-move, which needs both.
            if case .file(_, _, .signature("btrfs", let held?, _), _)? = store.image.known, let uuid = o.journal?.filesystemUUID,
               held.lowercased() == uuid.lowercased(), let block = try BtrfsSuperblock.read(host.real(image)) {
                o.imageHoldsJournalStore = block.numDevices == 1
            }
            if let uuid = o.journal?.filesystemUUID {
                o.journalMembersNow = try FilesystemMembers.devices(withUUID: uuid, besidesImage: host.real(image), imageInode: o.journal?.imageInode)
                o.journalMemberCopies = o.journalMembersNow.count > 1 ? try StoreCopies.groups(uuid: uuid, devices: o.journalMembersNow) : []
            }
            return o
        }
        o.mounted = true
        if try HostSpace.of(entry.target).readOnly { o.readOnly = try CapacityProbe.readOnlyKind(entry.target) }
        guard let device else { return o }
        let mounts = MountTable(entries: try store.mounts.value())
        o.fstype = entry.fstype
        guard entry.fstype == "btrfs", let reading = try store.btrfs.value()?.reading else { return o }
        let figures = CapacityFigures(btrfs: reading, mountpoint: target, host: nil)
        o.uuid = reading.uuid
        o.members = reading.devices
        o.metadataChunkNeed = figures.metadataChunkNeed
        o.replaceStartRoom = ReplaceStartRoom(reading)
        let deviceNode = try FileStatus.following(device.path)
        for member in reading.devices {
            let node = try FileStatus.following(member.path)
            if node?.rdev == deviceNode?.rdev { o.targetDevid = member.devid }
            let single = BtrfsReading(uuid: reading.uuid, spaces: [], devices: [member])
            var seen = StoreCondition()
            if let backing = CapacityProbe.hostBacking(single, sysfs: "/sys", root: "/", into: &seen), backing.image == host.real(image) {
                o.loopMember = member
                o.image = backing
            } else if let linked = seen.image, linked.path == host.real(image), linked.link != .present {
                o.orphanedLoopMember = member
            }
            if let unseen = seen.unseenLoop, unseen.name.sameBytes(host.real(image)) { o.foreignLoop = o.foreignLoop ?? unseen }
        }
        o.fileAtImagePath = try FileStatus.following(host.real(image))
        if o.loopMember != nil { o.imageInode = o.inodeAtImagePath }
        if o.loopMember == nil, let journal = o.journal, journal.imageInode != nil {
            o.movedImage = try MovedImage.find(reading, image: host.real(try HostPath(journal.image, what: "the migration journal's image")),
                                               root: host.root, journal: journal)
        } else if o.loopMember == nil, o.journal == nil,
           let configured = try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: o.fstab, settings: settings) {
            o.movedImage = try MovedImage.find(reading, image: configured, root: host.root)
        }
        let loopDevid = o.loopMember?.devid
        o.damage = try MovedStoreDamage.read(reading, mountpoint: target, isImage: { $0.devid == loopDevid })
        o.exclusiveOperation = try Self.exclusiveOperation(uuid: reading.uuid, sysfs: "/sys")
        do {
            o.replace = try BtrfsDeviceReplace.status(at: target)
            o.replaceRefused = nil
        } catch let error as DockStoreError where error.code == Errno.inappropriateIOCTLForDevice || error.code == Errno.notSupported || error.code == Errno.invalidArgument {
            o.replace = nil
            o.replaceRefused = error.message
        }
        if o.replaceOngoing, let replaceTarget = try BtrfsDeviceReplace.target(at: target) {
            o.replaceTarget = replaceTarget
            o.targetIsReplaceTarget = try FileStatus.following(replaceTarget.path)?.rdev == deviceNode?.rdev
        }
        if let loop = o.loopMember { o.loopDeviceSize = try BlockDeviceSize.bytes(of: loop.path) }
        if o.targetDevid == nil && !o.targetIsReplaceTarget {
            o.target = try DeviceInspector(sysfs: SysfsBlock(), host: host, asksKernel: true).observe(device, mounts: mounts)
            (o.targetBacking, o.targetBackingUnreadable) = Self.loopBacking(device.path)
        }
        if o.target != nil, !o.replaceOngoing {
            o.targetIsStaleReplaceTarget = try isStaleReplaceTarget(device.path, uuid: reading.uuid)
            o.canceledReplaceTarget = try CanceledReplaceTarget.recognizing(device.path, volumeID: device.volumeID?.description,
                                                                            storeUUID: reading.uuid, host: host)
            o.targetReleasedByStore = try BtrfsSuperblock.readScratched(device.path)?.fsid == reading.uuid
        }
        o.canceledRecords = try CanceledReplaceTarget.read(host: host).filter { $0.filesystemUUID == reading.uuid }
        o.targetBackedByStore = try LoopBacking.isOnBtrfs(loop: device.path, uuid: reading.uuid, mountpoint: target)
        return o
    }

    /// Runs the steps; `progress` gets each finished step, `moving` the bytes still on the
    /// loop device (remove) or the kernel's thousandths (replace) every `interval` seconds.
    public func apply(_ steps: [MigrationStep], sweeping sweep: DebrisSweep?, interval: Double = 2, progress: (MigrationStep) -> Void,
                      moving: @escaping @Sendable (MoveProgress) -> Void) throws {
        let target = storePath
        try StepEngine.apply(steps, in: self, sweeping: sweep, progress: progress) { step in
            try recordPhase(of: step)
            switch step {
            case .begin(let journal):
                try host.makeFolders(Self.journal.parent)
                try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
            case .shrink(let devid, _, _, let size, _, _):
                try shrink(devid, to: size, at: target)
            case .replace(let devid, _, let path, _, _, _):
                try replace(devid, with: path, at: target, interval: interval, moving: moving)
            case .cancelReplace(let path):
                try cancelReplace(onto: path, at: target)
            case .growImage(let devid, _, _, _):
                try BtrfsFilesystem.resize(devid, to: nil, at: target)
            case .addDevice(let path, _):
                // The kernel opens the device exclusively to add it: one that is mounted or
                // held after the re-check fails the add with EBUSY.
                if try !isMember(path, of: CapacityProbe.readBtrfs(target, sysfs: "/sys")) {
                    try BtrfsFilesystem.addDevice(path, at: target)
                }
            case .removeLoop(let devid, _, let bytes, _, _), .removeDevice(let devid, _, let bytes, _, _):
                let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
                guard reading.devices.contains(where: { $0.devid == devid }) else { break }
                let done = Flag()
                let watcher = DispatchQueue(label: "dockstore.migration.progress")
                watcher.async {
                    while !done.value {
                        // Progress only: a round that cannot read shows nothing; the remove ioctl decides.
                        let left = (try? CapacityProbe.readBtrfs(target, sysfs: "/sys"))?.devices.first { $0.devid == devid }?.used
                        if let left { moving(.bytes(left: left, total: bytes)) }
                        var slept = 0.0
                        while slept < interval, !done.value { MonotonicClock.sleep(0.1); slept += 0.1 }
                    }
                }
                defer { done.set() ; watcher.sync {} }
                try BtrfsFilesystem.removeDevice(devid, at: target)
                moving(.bytes(left: 0, total: bytes))
                // The abort's remove leaves the store's superblock on the volume with its magic
                // zeroed, as a canceled replace does: recorded alike, so that a re-run and
                // provision --device accept exactly that volume (attack 13 X10).
                if case .removeDevice(_, let path, _, let deviceUUID?, let store) = step {
                    try recordCanceled(path, deviceUUID: deviceUUID, uuid: store)
                }
            case .forgetCanceled(_, let store):
                try CanceledReplaceTarget.forget(filesystemUUID: store, host: host)
            case .resize(let path, _):
                let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
                let node = try FileStatus.following(path)
                guard let member = try reading.devices.first(where: { try FileStatus.following($0.path)?.rdev == node?.rdev }) else {
                    throw DockStoreError.refused("refusing: \(path) is not part of the btrfs at \(target); nothing was resized: re-run migrate-ebs")
                }
                do {
                    try BtrfsFilesystem.resize(member.devid, to: nil, at: target)
                } catch {
                    // A resize refused because btrfs forced the store read-only (a target whose
                    // writes failed) says so, not a bare "Read-only file system" (A4).
                    try requireSoundCopy()
                    throw error
                }
            case .writeFstab(let bytes, _, let basis, let dropIn):
                if try FileContents.read(HostPaths.fstab, on: host) != bytes {
                    try AtomicFile.write(HostPaths.fstab, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak", basis: basis)
                }
                if let dropIn, let now = try FileContents.read(dropIn.path, on: host) {
                    if let refusal = dropIn.basis.refusal(current: now, path: host.real(dropIn.path)) { throw refusal }
                    try host.removeFile(dropIn.path)
                }
            case .detachLoop(let path, _):
                if let loop = try LoopDevice.status(path), try backsImage(loop) {
                    try LoopDevice.detach(path)
                    LoopDevice.waitUntilReleased([path])
                }
            case .deleteImage:
                try RetiredImage(host: host, image: image).retire()
            case .finish:
                // The journal is what boot's recovery of an interrupted replace goes by: never
                // closed while the disk still records a replace under way.
                try BtrfsDeviceReplace.requireRecordedIdle(at: target, what: "the migration journal stays open")
                try host.removeFile(Self.journal)
            }
        }
    }

    /// The store's mountpoint as the kernel names it (links resolved), where the btrfs
    /// ioctls go.
    public var storePath: String { ProvisionObserver(host: host).canonicalPath(host.real(mountpoint)) }

    /// Whether the loop device reads the image (its device and inode).
    func backsImage(_ loop: LoopDevice) throws -> Bool {
        guard let imageStatus = try host.statusInRoot(image) else { return false }
        return loop.backingInode == imageStatus.inode && loop.backingDevice == imageStatus.device
    }

    /// Rewrites a journal from before identities were recorded with the store's filesystem
    /// UUID and the device's volume id, so boot and resume stop depending on its name. Only
    /// for the device the journal names that is a member of the store now.
    public func upgradeJournal(_ o: MigrationObservation, device: ResolvedDevice) throws {
        guard var journal = o.journal, journal.filesystemUUID == nil, let uuid = o.uuid,
              o.targetDevid != nil, o.targetDevid != o.loopMember?.devid else { return }
        journal.filesystemUUID = uuid
        journal.volumeID = journal.volumeID ?? device.volumeID?.description
        try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
    }
}

extension Migrator {
    /// The exclusive operation the kernel runs on the store, "none" when idle. A kernel before
    /// 5.10 has no such file: then "none" too, as the kernel itself refuses an add, remove or
    /// replace while another runs (BTRFS_ERROR_DEV_EXCL_RUN_IN_PROGRESS, an error to
    /// `BtrfsErrorCode`). A file that is there but cannot be read refuses: cannot tell is not idle.
    static func exclusiveOperation(uuid: String, sysfs: String) throws -> String {
        do {
            return try BtrfsSysfs.exclusiveOperation(uuid: uuid, sysfs: sysfs) ?? "none"
        } catch let error as DockStoreError {
            throw DockStoreError.refused("cannot tell whether a balance or device operation runs on the store: \(error.message); migrate-ebs starts none without knowing")
        }
    }
}
