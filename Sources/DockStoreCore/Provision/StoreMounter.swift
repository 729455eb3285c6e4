/// Mounts the store at its mountpoint so that it is mounted once, through one loop device,
/// whoever else is mounting it at the same moment.
///
/// - When systemd runs and has the store's fstab line loaded, systemd mounts it
///   (`systemctl start <mountpoint>.mount`): a start while systemd's own mount job runs
///   joins that job instead of racing it. Only when that unit mounts what the plan mounts:
///   a line still naming the image after migrate-ebs moved the store is rewritten after the mount.
/// - Otherwise dockstore mounts it: through the loop device already bound to the image when
///   there is one (as libmount reuses it), else through one it binds itself and gives up
///   when another process bound one in the meantime. A second mount of the same loop device
///   on the same mountpoint fails with EBUSY in the kernel; that, and every other "busy",
///   means observe again until the settle time is over.
struct StoreMounter {
    let provisioner: Provisioner
    var settleSeconds: Double = 30

    enum Outcome {
        case mounted
        case busy(String)
    }

    func mount(source: String, fstype: String, options: String) throws {
        let host = provisioner.host
        let request = provisioner.request
        let mountpoint = host.real(request.mountpoint)
        let start = MonotonicClock.seconds()
        var handedToSystemd = false
        // A reclaim interrupted by a reboot can leave a temporary member the store needs.
        let reclaimRoom = try ReclaimRoomAtBoot.attach(host: host)
        defer { reclaimRoom?.release() }
        while true {
            let observed = try provisioner.observeSettled(timeout: settleSeconds)
            if case .mounted(let entry, let ofImage, let ofDevice) = observed.mountpoint {
                if request.device == nil ? ofImage : ofDevice {
                    // The mount shows the default subvolume: not the store's top level if it was changed.
                    _ = try ProvisionPlanner.checkMountedRoot(observed, mountpoint)
                    return
                }
                // The store this run mounted, through the image renamed away (attack 25 J8): not
                // another process's mount, and the rename is what to undo.
                if let moved = observed.mountedImageMoved { throw moved.refusal(mountpoint: mountpoint) }
                throw DockStoreError.refused("\(entry.source) (\(entry.fstype)) was mounted on \(mountpoint) while dockstore was mounting the store there; unmount it and re-run")
            }
            if !handedToSystemd, let unit = observed.mountUnit, unit.mountsFromFstab(host.real(HostPaths.fstab)),
               try unitMountsTheStore(unit, source: source) {
                handedToSystemd = true
                // Mid-migration the store may span the image and the volume, which the kernel
                // must know before systemd's mount of the image line: udev may not have told it
                // yet, or not under the name it has now (attack 19, N1).
                if request.device == nil, let journal = try MigrationJournal.read(host: host) {
                    var imageUUID: String? = nil
                    if case .file(_, _, .signature("btrfs", let uuid, _)) = observed.image { imageUUID = uuid }
                    _ = try registerMigrationDevice(journal, imageUUID: imageUUID)
                }
                let result = try unit.start()
                guard result.status == 0 else {
                    throw DockStoreError.failed("systemd could not mount the store at \(mountpoint): systemctl start \(unit.name): \(result.reason); see journalctl -u \(unit.name)")
                }
                continue
            }
            let outcome: Outcome
            if request.device == nil {
                try ProvisionPlanner.checkImageMountable(observed, request, host)
                outcome = try mountImage(observed, fstype: fstype, options: options)
            } else {
                outcome = try mountDirectly(source: source, fstype: fstype, options: options)
            }
            if case .busy(let reason) = outcome {
                guard MonotonicClock.seconds() - start < settleSeconds else {
                    throw DockStoreError.failed("cannot mount the store at \(mountpoint): still busy after \(Int(settleSeconds)) s (\(reason)); find what else mounts it and re-run")
                }
                MonotonicClock.sleep(0.1)
            }
        }
    }

    /// systemd's unit for the mountpoint mounts what the plan mounts. When it does not, its line
    /// is one the plan rewrites after the mount (the store moved), and provision mounts the
    /// store itself: systemd's boot-time mount of that line has already run (the line orders
    /// it before provision), and systemd takes over the mount it finds in the table.
    private func unitMountsTheStore(_ unit: SystemdMountUnit, source: String) throws -> Bool {
        var uuid: String? = nil
        if provisioner.request.device != nil, case .signature(_, let found, _) = BlockProbe.probe(source) { uuid = found }
        let whatStatus = unit.what.hasPrefix("/") ? try FileStatus.following(unit.what) : nil
        return unit.mounts(source, uuid: uuid, whatStatus: whatStatus, sourceStatus: try FileStatus.following(source))
    }

    private func mountImage(_ observed: ProvisionObservation, fstype: String, options: String) throws -> Outcome {
        let host = provisioner.host
        let image = host.real(provisioner.request.image)
        guard let status = try FileStatus.of(image), status.kind == .regular else {
            throw DockStoreError.refused("\(image) disappeared while dockstore was mounting it; re-run to look again")
        }
        var imageUUID: String? = nil
        if case .file(_, _, .signature("btrfs", let uuid, _)) = observed.image { imageUUID = uuid }
        let journal = try MigrationJournal.read(host: host)
        let registered = try registerMigrationDevice(journal, imageUUID: imageUUID)
        let bound = try LoopDevice.devices(backing: status)
        var attachment: LoopAttachment? = nil
        let loop: String
        if let existing = bound.first {
            loop = existing.path
        } else {
            let ours = try LoopAttachment.attach(image)
            if try LoopDevice.devices(backing: status).contains(where: { $0.path != ours.path }) {
                ours.release()
                return .busy("another process bound a loop device to \(image) at the same time")
            }
            attachment = ours
            loop = ours.path
        }
        defer { attachment?.release() }
        let outcome: Outcome
        do {
            outcome = try mountDirectly(source: loop, fstype: fstype, options: Self.withoutLoopOptions(options))
        } catch let error as DockStoreError where journal == nil || journal?.recordedMethod == .replace {
            guard try InterruptedReplace.cancel(source: loop, mountpoint: provisioner.request.mountpoint, fstype: fstype,
                                                options: Self.withoutLoopOptions(options), host: host) else { throw error }
            outcome = try mountDirectly(source: loop, fstype: fstype, options: Self.withoutLoopOptions(options))
        } catch let error as DockStoreError where journal != nil && !registered {
            throw DockStoreError.failed("\(error.message); a migration is open (\(host.real(MigrationJournal.path))) and the store may span the image and the device it added, \(journal?.deviceLabel ?? "?"), which is not attached: attach that volume and re-run")
        }
        if case .mounted = outcome, let ours = attachment,
           try LoopDevice.devices(backing: status).contains(where: { $0.path != ours.path }) {
            try takeDownSecondInstance(image: image, status: status, ours: ours.path)
            return .busy("another process bound its own loop device to \(image) in the same instant; both mounts were taken down")
        }
        return outcome
    }

    /// mount(8) takes no lock: when it binds a loop device of its own in the instant
    /// dockstore binds one, the image can be mounted twice, as two independent instances
    /// (the kernel gives the second a temporary fsid). Nothing has written through either
    /// but the mounts themselves (Docker starts after provision): unmount every mount of
    /// the image's loop devices, let their autoclear detach them, and observe again, so the
    /// next round mounts it once. A mount that will not go is a failure, said loudly.
    private func takeDownSecondInstance(image: String, status: FileStatus, ours: String) throws {
        let mountpoint = provisioner.host.real(provisioner.request.mountpoint)
        // Give the other mount a moment to land, so it is taken down too.
        for _ in 0..<20 {
            let loops = try LoopDevice.devices(backing: status).map(\.path)
            let mounted = Set(try MountTable.read().entries.map(\.source)).intersection(loops)
            if mounted.count >= loops.count { break }
            MonotonicClock.sleep(0.05)
        }
        for _ in 0..<8 {
            let loops = Set(try LoopDevice.devices(backing: status).map(\.path))
            let targets = try MountTable.read().entries.filter { loops.contains($0.source) }.map(\.target)
            if targets.isEmpty { return }
            for target in targets.reversed() {
                do { try Mounter.unmount(target) } catch let error as DockStoreError {
                    throw DockStoreError.failed("another process mounted \(image) through a second loop device while dockstore mounted it through \(ours): two copies of the filesystem are mounted and \(error.message); stop whatever uses \(mountpoint), unmount it until nothing is mounted, then re-run provision")
                }
            }
        }
    }

    /// Following a migration whose image is not at its path: the device the volume misses is
    /// the image (`undoAfterMountFailure` says to put it back), never one to give up.
    private func followsMigrationWithoutImage() -> Bool {
        provisioner.request.followsMigration && provisioner.imageMissing()
    }

    private func mountDirectly(source: String, fstype: String, options: String) throws -> Outcome {
        do {
            try provisioner.host.mount(source: source, at: provisioner.request.mountpoint, fstype: fstype, options: options,
                                       explainMissingMember: !followsMigrationWithoutImage())
            return .mounted
        } catch let error as DockStoreError where error.code == Errno.resourceBusy {
            return .busy(error.message)
        }
    }

    /// Mid-migration the filesystem may span the image and the device: register the device,
    /// as udev would at boot, so the image's mount finds it. It is found by the store's
    /// filesystem UUID; a journal from before UUIDs were recorded names it, and the name
    /// counts only while it holds a btrfs with the image's UUID (names change at boot). A
    /// crash before the device was added leaves it blank: then there is nothing to find.
    /// True when it found and registered a device.
    private func registerMigrationDevice(_ journal: MigrationJournal?, imageUUID: String?) throws -> Bool {
        guard let journal else { return false }
        if let uuid = journal.filesystemUUID ?? imageUUID {
            let image = provisioner.host.real(provisioner.request.image)
            let members = try FilesystemMembers.devices(withUUID: uuid, besidesImage: image)
            for device in members { try BtrfsControl.scan(device) }
            if !members.isEmpty { return true }
        }
        if journal.filesystemUUID == nil, let imageUUID,
           case .signature("btrfs", let found?, _) = BlockProbe.probe(journal.device), found == imageUUID {
            try BtrfsControl.scan(journal.device)
            return true
        }
        return false
    }

    /// The options for mounting a loop device itself: libmount would read `loop` as a request
    /// to bind another loop device over it.
    static func withoutLoopOptions(_ options: String) -> String {
        options.split(separator: ",").filter { $0 != "loop" && !$0.hasPrefix("loop=") }.joined(separator: ",")
    }
}
