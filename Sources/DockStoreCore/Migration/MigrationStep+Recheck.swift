/// What each migration step re-checks at the moment it acts (`StepEngine` runs it right
/// before the action, after the step's pause point): the btrfs at the mountpoint is still
/// the store (its filesystem UUID), a member the step moves, shrinks or removes is still the
/// planned device (its device UUID), a device the step adds or replaces onto is still blank
/// (or this store's recorded replace target) and unused, and the loop device and the image the step lets go of are no longer part of
/// the store. A step whose work is found done passes, and its action skips. The steps that let
/// go of the image (resize, fstab, detach, delete) stop on a damaged copy (`MovedStoreDamage`).
extension MigrationStep {
    public func recheck(_ migrator: Migrator) throws {
        let mountpoint = migrator.storePath
        switch self {
        case .begin, .cancelReplace, .finish:
            return
        case .writeFstab(_, _, _, let dropIn):
            // The fstab switch is the point of no return: never onto a damaged copy (A4).
            try migrator.requireSoundCopy()
            if let dropIn, let now = try FileContents.read(dropIn.path, on: migrator.host),
               case .foreign(let reason) = MountDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: migrator.host.real(dropIn.path), command: "migrate-ebs")
            }
        case .shrink(let devid, let path, _, _, let deviceUUID, let store),
             .growImage(let devid, let path, let deviceUUID, let store),
             .removeLoop(let devid, let path, _, let deviceUUID, let store),
             .removeDevice(let devid, let path, _, let deviceUUID, let store):
            try StoreMemberRecheck.check(try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys"), store: store, devid: devid,
                                         deviceUUID: deviceUUID, path: path, mountpoint: mountpoint)
        case .replace(let devid, let source, let target, _, let deviceUUID, let store):
            try StoreMemberRecheck.check(try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys"), store: store, path: source, mountpoint: mountpoint)
            // A replace the kernel runs (or finished: the target took the source's devid) is
            // waited for, never started again: only a replace about to start is checked.
            if try migrator.waitWhileStarting(at: mountpoint).state.isOngoing { return }
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            if try migrator.isMember(target, of: reading) { return }
            try StoreMemberRecheck.check(reading, store: store, devid: devid, deviceUUID: deviceUUID, path: source, mountpoint: mountpoint)
            guard reading.devices.contains(where: { $0.devid == devid }) else { return }
            guard try BlockProbe.probe(target) == .blank || migrator.isStaleReplaceTarget(target, uuid: reading.uuid)
                    || migrator.isCanceledReplaceTarget(target, uuid: reading.uuid) else {
                throw DockStoreError.refused("refusing: \(target) is no longer blank; nothing was changed: re-run to look again")
            }
        case .addDevice(let path, let store):
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            try StoreMemberRecheck.check(reading, store: store, path: path, mountpoint: mountpoint)
            if try migrator.isMember(path, of: reading) { return }
            // The target of this store's replace the kernel failed to start (or that --abort
            // canceled), recorded then: the remedy adds exactly that volume.
            guard try BlockProbe.probe(path) == .blank || migrator.isStaleReplaceTarget(path, uuid: reading.uuid)
                    || migrator.isCanceledReplaceTarget(path, uuid: reading.uuid) else {
                throw DockStoreError.refused("refusing: \(path) is no longer blank; nothing was changed: re-run to look again")
            }
            try BlockDevice.checkNotInUse(path)
        case .forgetCanceled(_, let store):
            // Dropping a record only narrows what a later run accepts (the volume then reads as
            // data): it needs the store it names to be the one mounted, and the image out of it.
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            try StoreMemberRecheck.check(reading, store: store, path: mountpoint, mountpoint: mountpoint)
        case .resize(let path, let store):
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            try StoreMemberRecheck.check(reading, store: store, path: path, mountpoint: mountpoint)
            guard try migrator.isMember(path, of: reading) else {
                throw DockStoreError.refused("refusing: \(path) is not part of the btrfs at \(mountpoint); nothing was resized: re-run migrate-ebs")
            }
            try migrator.requireSoundCopy()
        case .detachLoop(let path, let store):
            // A loop name is no identity: once the store let go of the image's loop device the
            // kernel clears it (autoclear) and any program may take the name. Only a loop device
            // that still reads the image is detached, and never while it is part of the store.
            guard let loop = try LoopDevice.status(path), try migrator.backsImage(loop) else { return }
            try migrator.requireSoundCopy()
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            try StoreMemberRecheck.check(reading, store: store, path: path, mountpoint: mountpoint)
            if try migrator.isMember(path, of: reading) {
                throw DockStoreError.refused("refusing: \(path) is part of the store at \(mountpoint) again; nothing was detached: re-run migrate-ebs to move it off")
            }
        case .deleteImage:
            try migrator.requireSoundCopy()
            try RetiredImage(host: migrator.host, image: migrator.image).checkRetirable()
            let journal = try MigrationJournal.read(host: migrator.host)
            if let inode = journal?.imageInode,
               let now = try migrator.host.statusInRoot(migrator.image), now.inode != inode {
                throw DockStoreError.refused("\(migrator.host.real(migrator.image)) is another file than the image this migration began with (inode \(now.inode), not \(inode)); nothing was deleted: the store is on the device, so move that file aside and re-run to finish")
            }
            // The store let go of the image: the kernel scratched its superblock. A live btrfs of
            // another filesystem there is no image of this store (attack 27 M4), and one that
            // cannot be read cannot be told from it.
            let path = migrator.host.real(migrator.image)
            switch BlockProbe.probe(path) {
            case .signature("btrfs", let found?, _) where found.lowercased() != journal?.filesystemUUID?.lowercased():
                throw DockStoreError.refused("\(path) holds the btrfs \(found), not the store this migration moves (\(journal?.filesystemUUID ?? "no UUID recorded")); nothing was deleted: look at that file before you delete it")
            case .unreadable(let why):
                throw DockStoreError.refused("cannot read \(path) to tell that it is the image the store left (\(why)); nothing was deleted: make it readable and re-run")
            default:
                break
            }
        }
    }
}
