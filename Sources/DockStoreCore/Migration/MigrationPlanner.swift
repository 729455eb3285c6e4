/// The pure decision behind `migrate-ebs`.
public enum MigrationPlanner {
    /// `--abort`: possible while the image is still part of the filesystem. It releases the
    /// device the migration added — found by membership in the store, never by name — and
    /// refuses a device that is not part of the migration.
    public static func planAbort(_ o: MigrationObservation) throws -> [MigrationStep] {
        guard o.mounted, o.fstype == "btrfs" else { throw nothingMounted(o, abort: true) }
        guard let uuid = o.uuid else {
            throw DockStoreError.refused("cannot read the filesystem UUID of the btrfs at \(o.mountpoint); dockstore aborts only a move of a store it can name: re-run")
        }
        // Mounted ro: the abort's device remove cannot run. Forced read-only by an error, the
        // abort's own reading of the damage speaks (`MovedStoreDamage`).
        if o.readOnly == .byOption, let refusal = o.readOnly.refusal(o.mountpoint, cannotBe: "moved back") { throw refusal }
        try refuseOrphanedLoop(o)
        // The image renamed while the migration is open is still part of the store, so the move
        // can be aborted, but not before it is back under its name (attack 23 H2).
        if let moved = o.movedImage, moved.atImagePath != .leftByTheStore {
            throw moved.refusal(mountpoint: o.mountpoint)
        }
        guard o.loopMember != nil else {
            // No journal: the move finished (attack 13 X13), there is nothing to finish or abort.
            guard o.journalExists else {
                // Refused, not "nothing to do": what --abort promises, the store on the image, does not
                // hold (attack 54 X 4 read the exit 0 on an image store and 2 here as one case).
                throw DockStoreError.refused("no migration is under way: the store at \(o.mountpoint) is not on the image (\(o.targetDevid != nil ? "it is on \(o.targetPath)" : "it is on \(o.otherDevices.map(\.path).joinedText(", "))")) and no migration journal is open; --abort takes back only a move still open, never one that finished: the store stays where it is")
            }
            throw DockStoreError.refused("the image is no longer part of the store at \(o.mountpoint); the move is past the point of return: run migrate-ebs again to finish it")
        }
        if let devid = o.targetDevid, devid == o.loopMember?.devid {
            throw DockStoreError.refused("\(o.targetPath) is the image's own loop device (devid \(devid) of the store); give the device the migration moved onto")
        }
        if o.replaceOngoing {
            guard o.targetIsReplaceTarget else {
                throw DockStoreError.refused("the device replace at \(o.mountpoint) is onto \(o.replaceTarget?.path ?? "a device that is missing"), not \(o.targetPath); abort it with: dockstore migrate-ebs \(o.replaceTarget?.path ?? o.journal?.volumeID ?? o.journal?.device ?? "DEVICE") --abort")
            }
            return [.cancelReplace(target: o.targetPath)] + regrowImage(o, uuid) + [.finish]
        }
        if o.targetDevid == nil, let added = o.otherDevices.first {
            throw DockStoreError.refused("the migration at \(o.mountpoint) is onto \(added.path) (devid \(added.devid)), not \(o.targetPath); abort it with: dockstore migrate-ebs \(added.path) --abort")
        }
        if o.targetDevid == nil, let journal = o.journal, !sameDevice(journal, o), !releasedJournalDevice(journal, o) {
            throw DockStoreError.refused("the open migration is onto \(journalDeviceWhereNow(journal, o)), not \(o.targetPath); abort it with: dockstore migrate-ebs \(journalDeviceArgument(journal, o)) --abort")
        }
        var steps: [MigrationStep] = []
        if let devid = o.targetDevid {
            let member = o.members.first(where: { $0.devid == devid })
            steps.append(.removeDevice(devid: devid, path: o.targetPath, bytes: member?.used ?? 0, deviceUUID: member?.deviceUUID, store: uuid))
        }
        if o.journal?.recordedMethod == .replace { steps += regrowImage(o, uuid) }
        if o.journalExists || !steps.isEmpty { steps.append(.finish) }
        return steps
    }

    /// Nothing is mounted at the mountpoint: what `plan` and `planAbort` refuse with, and
    /// migrate-ebs before it waits for the target device (`Migrator.refuseUnmounted`).
    public static func nothingMounted(_ o: MigrationObservation, abort: Bool) -> DockStoreError {
        .refused(abort ? "nothing is mounted at \(o.mountpoint)\(awaited(o)); run dockstore provision first, then abort"
                 : "nothing is mounted at \(o.mountpoint)\(awaited(o)); run dockstore provision first (a store that spans the image and the device comes up with it)")
    }

    /// With a migration open, the store cannot mount while the journal's device is not attached:
    /// name it as it is found now, by the store's filesystem UUID, never only by the kernel name
    /// the migration began with, which a reboot may have given to a blank volume (attack 19, N1).
    static func awaited(_ o: MigrationObservation) -> String {
        guard let journal = o.journal else { return "" }
        if o.imageHoldsJournalStore, let uuid = journal.filesystemUUID {
            let others = o.journalMembersNow.isEmpty ? "" : "; \(o.journalMembersNow.joined(separator: ", ")) also \(o.journalMembersNow.count == 1 ? "holds" : "hold") it"
            return " (the image still holds the store's btrfs \(uuid), so provision mounts it from the image\(others))"
        }
        if let uuid = journal.filesystemUUID, !o.journalMemberCopies.isEmpty {
            let copies = Set(o.journalMemberCopies.flatMap { $0.map(\.path) })
            let volume = o.journalMembersNow.filter { !copies.contains($0) }
            let named = volume.isEmpty ? "the open migration is onto \(journal.deviceLabel)"
                : "the open migration's volume, \(journal.deviceLabel) when it began, is \(volume.joined(separator: ", ")) now"
            return " (\(named); \(StoreCopies.describe(uuid: uuid, o.journalMemberCopies)), which no migration makes and provision mounts neither of: \(StoreCopies.advice(o.journalMemberCopies)))"
        }
        if !o.journalMembersNow.isEmpty {
            return " (the open migration's volume, \(journal.deviceLabel) when it began, is \(o.journalMembersNow.joined(separator: ", ")) now, found by the store's filesystem UUID)"
        }
        guard let uuid = journal.filesystemUUID else {
            return " (the open migration is onto \(journal.deviceLabel), which may hold part of the store: attach it if it is not)"
        }
        return " (the open migration is onto \(journal.deviceLabel), and no device holds the store's filesystem \(uuid) now: attach that volume)"
    }

    /// A loop device whose image file was deleted or replaced while mounted still holds part of
    /// the store: no plan may treat it as the image (move, detach, delete) or as a device a
    /// migration added, nor close a migration while it is there.
    static func refuseOrphanedLoop(_ o: MigrationObservation) throws {
        guard let orphan = o.orphanedLoopMember else { return }
        throw DockStoreError.refused("refusing: \(orphan.path) (devid \(orphan.devid)) holds part of the store at \(o.mountpoint), but the image file it was attached from was deleted or replaced while mounted: its data lives only as long as that loop device, so do not unmount or reboot; dockstore provision says how to copy it out")
    }

    /// The image's device grown back to the whole image when a shrink before the replace left it smaller.
    static func regrowImage(_ o: MigrationObservation, _ uuid: String) -> [MigrationStep] {
        guard let loop = o.loopMember, let whole = o.loopDeviceSize, loop.size + 1 << 20 <= whole else { return [] }
        return [.growImage(devid: loop.devid, path: loop.path, deviceUUID: loop.deviceUUID, store: uuid)]
    }

    /// For `--abort`: the given device is one this store released (a killed abort's remove or
    /// cancel scratched its superblock), told by that superblock where the journal has no
    /// volume id to compare: after a reboot that renamed it, its old name may belong to
    /// another volume, so the name cannot tell. A volume id, where both have one, still decides.
    static func releasedJournalDevice(_ journal: MigrationJournal, _ o: MigrationObservation) -> Bool {
        guard o.targetReleasedByStore else { return false }
        if let recorded = journal.volumeID, let actual = o.targetVolumeID { return recorded == actual }
        if let recorded = journal.deviceIdentity, let actual = o.targetIdentity { return recorded == actual }
        return true
    }

    /// Replace moves a store that is one device (the image's) onto a device that is not in it
    /// yet and has the unallocated room the kernel needs to start it (`ReplaceStartRoom`);
    /// an open journal keeps the method it began with, so a re-run never switches. A forced
    /// replace skips that prediction (tests reach the kernel's own refusal with it).
    public static func chooseMethod(_ o: MigrationObservation, forced: MigrationMethod?) -> MigrationMethodChoice {
        if let journal = o.journal {
            return journal.method == nil
                ? MigrationMethodChoice(.addRemove, "the open migration was begun by an older dockstore, which moves by add + remove")
                : MigrationMethodChoice(journal.recordedMethod, "the open migration's journal records it")
        }
        if o.replaceOngoing { return MigrationMethodChoice(.replace, "a device replace is under way on the store") }
        if let devid = o.targetDevid, devid != o.loopMember?.devid {
            return MigrationMethodChoice(.addRemove, "\(o.targetPath) is a member of the store already (devid \(devid))")
        }
        if let reason = o.replaceRefused {
            return MigrationMethodChoice(.addRemove, "the kernel refuses device replace here (\(reason))")
        }
        if o.members.count > 1 {
            return MigrationMethodChoice(.addRemove, "the store spans \(o.members.count) devices; replace moves the image's alone")
        }
        if forced == .addRemove {
            return MigrationMethodChoice(.addRemove, "\(MigrationMethod.variable)=add-remove")
        }
        if forced != .replace, let reason = replaceCannotStart(o) {
            return MigrationMethodChoice(.addRemove, "the kernel's replace could not start: \(reason)")
        }
        return MigrationMethodChoice(.replace, "the store is the image's device alone: replace copies device extents and never touches back references, so its time does not grow with the layers")
    }

    /// Why the kernel would refuse to start replacing the image's device (ENOSPC): judged on
    /// the device as the shrink before the replace leaves it.
    static func replaceCannotStart(_ o: MigrationObservation) -> String? {
        guard let loop = o.loopMember else { return nil }
        guard let room = o.replaceStartRoom else {
            return "the store's space figures were not read"
        }
        let size = loop.size > o.targetSize ? o.targetSize / 4096 * 4096 : loop.size
        return room.shortfall(deviceSize: size, allocated: loop.used)
    }

    /// Whether the target is the journal's device, for a journal whose device was not added
    /// yet: the target of this store's interrupted replace (its superblock says so), else by
    /// EBS volume id when both have one, else by the name it was given.
    static func sameDevice(_ journal: MigrationJournal, _ o: MigrationObservation) -> Bool {
        if o.targetIsStaleReplaceTarget { return true }
        if let recorded = journal.volumeID, let actual = o.targetVolumeID { return recorded == actual }
        if let recorded = journal.deviceIdentity { return recorded == o.targetIdentity }
        return journal.device == o.targetPath
    }

    /// Whether `sameDevice` would match only by the kernel name: the journal records no
    /// identity of its device (an older dockstore's, or a device with none, `DeviceIdentity`), no
    /// volume id can be compared, and no superblock says it is this store's replace target.
    /// Before the device is added, such a name is not taken (attack 33 V C7a: a blank disk that
    /// a reboot gave the name would be moved onto).
    static func matchedByNameOnly(_ journal: MigrationJournal, _ o: MigrationObservation) -> Bool {
        guard !o.targetIsStaleReplaceTarget, journal.deviceIdentity == nil else { return false }
        return journal.volumeID == nil || o.targetVolumeID == nil
    }

    /// The journal's device as found now, for a refusal: its one name now, else its volume id,
    /// else the name it had (`journalDeviceNow`; attack 33 U F2).
    static func journalDeviceArgument(_ journal: MigrationJournal, _ o: MigrationObservation) -> String {
        if o.journalDeviceNow.count == 1 { return o.journalDeviceNow[0] }
        return journal.volumeID ?? journal.device
    }

    /// The journal's device with where it is now, when a reboot renamed it.
    static func journalDeviceWhereNow(_ journal: MigrationJournal, _ o: MigrationObservation) -> String {
        guard o.journalDeviceNow.count == 1, o.journalDeviceNow[0] != journal.device else { return journal.deviceLabel }
        return "\(o.journalDeviceNow[0]) (\(journal.deviceLabel) when the migration began: a reboot renamed it)"
    }

    public static func plan(_ o: MigrationObservation, keepImage: Bool, imageHostPath: HostPath,
                            mountpoint: HostPath, host: Host, method forced: MigrationMethod? = nil) throws -> [MigrationStep] {
        guard o.mounted else { throw nothingMounted(o, abort: false) }
        guard o.fstype == "btrfs", let uuid = o.uuid else {
            throw DockStoreError.refused("\(o.mountpoint) is \(o.fstype ?? "not mounted"), not a btrfs store; migrate-ebs moves the btrfs loopback image")
        }
        try refuseOrphanedLoop(o)
        // Before any step: the volume's boots would refuse it (provision), as they refuse an
        // edited docker.service drop-in.
        if let bytes = o.mountDropIn, case .foreign(let reason) = MountDropIn.ownership(of: bytes) {
            throw DockerDropIn.refusal(reason, path: host.real(MountDropIn.path(unitPath: o.mountUnitPath ?? mountpoint)), command: "migrate-ebs")
        }
        if let foreign = o.foreignLoop {
            throw DockStoreError.refused("refusing to migrate: \(foreign.verdict(mountpoint: o.mountpoint))")
        }
        // The image renamed while mounted: its loop device is no EBS volume, and pointing fstab at
        // the store's UUID would leave the next boot without it. A store a device replace or
        // remove moved onto a loop device (the image left by the store) is finished as a move.
        // With a migration open (attack 23 H2), only a member bound to the journal's image inode.
        if let moved = o.movedImage, moved.atImagePath != .leftByTheStore {
            throw moved.refusal(mountpoint: o.mountpoint)
        }
        guard o.loopMember != nil || o.journalExists || o.targetDevid != nil else {
            throw DockStoreError.refused("the store at \(o.mountpoint) is not the loopback image (it is on \(o.members.map(\.path).joined(separator: ", "))); nothing to migrate")
        }
        if o.reclaimOpen && !o.journalExists {
            throw ReclaimJournal.openRefusal(lent: o.reclaimRoomLent, host: host, then: "migrate-ebs")
        }
        if o.exclusiveOperation != "none" && !o.exclusiveOperation.isEmpty && !(o.exclusiveOperation == "device replace" && (o.replaceOngoing || o.journal?.method == .replace)) {
            throw DockStoreError.refused("a btrfs \(o.exclusiveOperation) is running on \(o.mountpoint); wait for it to finish (btrfs balance status / btrfs device usage) and re-run")
        }
        if let devid = o.targetDevid, devid == o.loopMember?.devid {
            throw DockStoreError.refused("refusing: \(o.targetPath) is the image's own loop device (devid \(devid) of the store at \(o.mountpoint)); give the EBS volume's device")
        }
        if o.targetBackedByStore {
            throw DockStoreError.refused("refusing: \(o.targetPath) is a loop device over a file inside the store at \(o.mountpoint); the store cannot move onto itself: give the EBS volume's device")
        }
        if o.replaceOngoing, !o.targetIsReplaceTarget {
            throw DockStoreError.refused("a device replace onto \(o.replaceTarget?.path ?? "a device that is missing") is under way at \(o.mountpoint), not onto \(o.targetPath); let it finish with: dockstore migrate-ebs \(o.replaceTarget?.path ?? o.journal?.volumeID ?? o.journal?.device ?? "DEVICE") (or cancel it with --abort)")
        }
        if o.targetDevid == nil, o.journalExists, !o.targetIsReplaceTarget {
            if let added = o.otherDevices.first {
                throw DockStoreError.refused("a migration onto \(added.path) (devid \(added.devid)) is under way at \(o.mountpoint), not onto \(o.targetPath); finish it with: dockstore migrate-ebs \(added.path) (or undo it with --abort)")
            }
            if let journal = o.journal, !sameDevice(journal, o) {
                // By name only, the journal's name is not taken either (below): the way out is the abort.
                let wayOut = journal.deviceIdentity == nil && journal.volumeID == nil
                    ? "its journal names the volume only by that name, which a reboot may have given another disk: undo it with dockstore migrate-ebs \(journal.device) --abort (it touches no device), then begin again with the volume you mean"
                    : "finish it with: dockstore migrate-ebs \(journalDeviceArgument(journal, o)), or undo it with --abort"
                throw DockStoreError.refused("the open migration is onto \(journalDeviceWhereNow(journal, o)), not \(o.targetPath); \(wayOut)")
            }
            if let journal = o.journal, matchedByNameOnly(journal, o) {
                throw DockStoreError.refused("the open migration's journal names its volume only as \(journal.device) (\(o.targetIdentity != nil ? "an older dockstore began it" : "the device has no EBS volume id or loop file to record")), and nothing was moved onto it yet: after a reboot that name may be another disk, so it is not taken by name; if \(o.targetPath) is the volume you meant (check its size and contents with lsblk), run dockstore migrate-ebs \(o.targetPath) --abort, then dockstore migrate-ebs \(o.targetPath)")
            }
        }
        // Once the move began (a journal, or the store off the image), a damaged copy on the
        // device stops it: nothing that lets go of the image is planned (A4).
        if let damage = o.damage, o.journalExists || o.loopMember == nil || o.targetDevid != nil {
            throw DockStoreError.refused("refusing: " + damage.verdict(mountpoint: o.mountpoint, image: host.real(imageHostPath), imageIsMember: o.loopMember != nil))
        }
        // After the damaged copy's verdict, which names the cause of a read-only store it made.
        if let refusal = o.readOnly.refusal(o.mountpoint, cannotBe: "moved") { throw refusal }
        let method = chooseMethod(o, forced: forced).method
        var steps: [MigrationStep] = []
        if method == .replace {
            if o.targetDevid == nil, let loop = o.loopMember {
                if !o.targetIsReplaceTarget {
                    try checkTarget(o, ownReplaceTarget: o.targetIsStaleReplaceTarget || o.canceledReplaceTarget != nil,
                                    headroom: o.metadataChunkNeed)
                    if loop.size > o.targetSize {
                        steps.append(.shrink(devid: loop.devid, path: loop.path, from: loop.size, to: o.targetSize / 4096 * 4096,
                                             deviceUUID: loop.deviceUUID, store: uuid))
                    }
                }
                steps.append(.replace(devid: loop.devid, source: loop.path, target: o.targetPath, bytes: loop.used,
                                      deviceUUID: loop.deviceUUID, store: uuid))
            }
        } else {
            if o.targetDevid == nil {
                try checkTarget(o, ownReplaceTarget: o.targetIsStaleReplaceTarget || o.canceledReplaceTarget != nil)
                steps.append(.addDevice(path: o.targetPath, store: uuid))
            }
            if let loop = o.loopMember {
                steps.append(.removeLoop(devid: loop.devid, path: loop.path, bytes: loop.used, deviceUUID: loop.deviceUUID, store: uuid))
            }
        }
        // Once the store leaves the image, no partial copy of it is reused again: its canceled
        // replace targets' records go (the one the store moved onto holds the store itself).
        if !o.canceledRecords.isEmpty, o.loopMember != nil || o.journalExists {
            let devices = o.canceledRecords.map(\.device).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            steps.append(.forgetCanceled(devices: devices, store: uuid))
        }
        let devidSize = o.members.first(where: { $0.devid == o.targetDevid })?.size
        if o.targetDevid == nil || devidSize.map({ $0 < o.targetSize }) == true {
            steps.append(.resize(path: o.targetPath, store: uuid))
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
        // The image's condition on the mount unit (`MountDropIn`) would hold back the volume's mount.
        var dropIn: MountDropInRemoval? = nil
        // Only by a move under way: a store moved before gets it removed by provision.
        if o.loopMember != nil || o.journalExists, let bytes = o.mountDropIn {
            let path = MountDropIn.path(unitPath: o.mountUnitPath ?? mountpoint)
            dropIn = MountDropInRemoval(path: path, shown: host.real(path), basis: FileBasis(bytes))
        }
        if updated != fstab || dropIn != nil {
            steps.append(.writeFstab(bytes: updated.bytes, line: line.rendered, basis: FileBasis(o.fstab), dropIn: dropIn))
        }
        if let loop = o.loopMember { steps.append(.detachLoop(path: loop.path, store: uuid)) }
        // The image goes only as the last step of this migration: never one kept by an
        // earlier --keep-image (no journal, no loop member), never when the journal says keep.
        let keep = keepImage || o.journal?.keepImage == true
        let migrating = o.loopMember != nil || o.journalExists
        // Another file put at the image's name since the journal began is not the image (I4).
        let theImage = o.journal?.imageInode.map { $0 == o.inodeAtImagePath } ?? true
        if !keep && migrating && o.imageExists && theImage {
            steps.append(.deleteImage(path: host.real(imageHostPath), otherNames: max(o.fileAtImagePath?.links ?? 1, 1) - 1))
        }
        if steps.isEmpty && !o.journalExists { return [] }
        let journal = MigrationJournal(image: imageHostPath.string, device: o.targetPath, filesystemUUID: uuid,
                                       volumeID: o.targetVolumeID, keepImage: keepImage, method: method, imageInode: o.imageInode,
                                       deviceIdentity: o.targetIdentity)
        return (o.journalExists ? [] : [.begin(journal: journal)]) + steps + [.finish]
    }

    /// A target that is not part of the store yet: blank, writable, not in use, large enough
    /// for the chunks on the image and `headroom` (add + remove: two metadata chunks, as both
    /// devices allocate while chunks move; replace copies the shrunk device as it is and
    /// needs room for one chunk that the shrink relocates).
    static func checkTarget(_ o: MigrationObservation, ownReplaceTarget: Bool = false, headroom: UInt64? = nil) throws {
        guard let target = o.target else {
            throw DockStoreError.refused("the device \(o.targetPath) was not looked at")
        }
        try DevicePlanner.refuseInUse(target, mountpoint: o.mountpoint)
        if let refusal = target.inMemoryRefusal { throw refusal }
        if target.readOnly {
            throw DockStoreError.refused("refusing: \(target.device.label) is read-only; attach the volume read-write")
        }
        guard target.content == .blank || ownReplaceTarget else {
            throw DockStoreError.refused("refusing: \(target.device.label) holds \(target.content.summary); migrate-ebs needs a blank volume and never formats one that holds data")
        }
        let need = (o.loopMember?.used ?? 0) + (headroom ?? 2 * o.metadataChunkNeed)
        if target.size < need {
            throw DockStoreError.refused("refusing: \(target.device.label) is \(ByteSize.format(target.size)), but the store has \(ByteSize.format(o.loopMember?.used ?? 0)) allocated and needs \(ByteSize.format(need)) with room for \(headroom == nil ? "two metadata chunks" : "a metadata chunk"); attach a larger volume")
        }
        try checkTargetBacking(o, writes: need)
    }

    /// A loop-device target over a file: its host filesystem must have room for the bytes the
    /// move writes into it beyond what the file has allocated already (a thick file needs none).
    /// A file that cannot be looked at cannot tell, and refuses.
    static func checkTargetBacking(_ o: MigrationObservation, writes need: UInt64) throws {
        if let why = o.targetBackingUnreadable {
            throw DockStoreError.refused("refusing: \(o.targetPath) is a loop device, and whether the filesystem under its file has room for the move cannot be told (\(why)); nothing was changed")
        }
        guard let file = o.targetBacking else { return }
        let beyond = need > file.allocatedBytes ? need - file.allocatedBytes : 0
        guard beyond > file.hostAvailableBytes else { return }
        throw DockStoreError.refused("refusing: \(o.targetPath) is a loop device over \(file.image), whose filesystem (\(AtomicFile.parentFolder(of: file.image))) has \(ByteSize.format(file.hostAvailableBytes)) free, but the move writes \(ByteSize.format(beyond)) into it beyond the \(ByteSize.format(file.allocatedBytes)) it has allocated: its writes would fail and the copy be damaged; free space there, preallocate the file (fallocate), or give a device with room")
    }
}
