/// The steps of a move by device replace. Each looks at the kernel's state before it acts,
/// so a re-run after a kill, a reboot or a power cut continues where the kernel is.
extension Migrator {
    /// The journal's phase, rewritten as each step of the move begins.
    func recordPhase(of step: MigrationStep) throws {
        let phase: String
        switch step {
        case .shrink: phase = "shrinking"
        case .replace: phase = "replacing"
        case .addDevice, .removeLoop: phase = "moving"
        case .resize: phase = "growing"
        case .writeFstab: phase = "switching fstab"
        case .detachLoop, .deleteImage: phase = "releasing the image"
        case .cancelReplace, .removeDevice, .growImage: phase = "aborting"
        case .begin, .forgetCanceled, .finish: return
        }
        guard var journal = try MigrationJournal.read(host: host), journal.phase != phase else { return }
        journal.phase = phase
        try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
    }

    /// Shrinks the image's device unless it is that small already (a re-run).
    func shrink(_ devid: UInt64, to size: UInt64, at mountpoint: String) throws {
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        guard let member = reading.devices.first(where: { $0.devid == devid }), member.size > size else { return }
        try BtrfsFilesystem.resize(devid, to: size, at: mountpoint)
    }

    /// Starts the replace of `devid` by `target`, or waits for the one the kernel runs (a
    /// killed dockstore's, or one the kernel resumed at mount); done once the kernel says
    /// finished. The step's `recheck` found the target blank (or this store's own stale or
    /// canceled replace target); the kernel opens it exclusively as the replace starts, so
    /// one mounted or held after that re-check fails the start with EBUSY.
    func replace(_ devid: UInt64, with target: String, at mountpoint: String, interval: Double,
                 moving: @escaping @Sendable (MoveProgress) -> Void) throws {
        var run: BtrfsDeviceReplace.Run? = nil
        if try !waitWhileStarting(at: mountpoint).state.isOngoing {
            let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
            guard reading.devices.contains(where: { $0.devid == devid }),
                  try !isMember(target, of: reading) else { return }
            run = try BtrfsDeviceReplace.start(replacing: devid, with: target, at: mountpoint)
        }
        do {
            try follow(run, replacing: devid, with: target, at: mountpoint, interval: interval, moving: moving)
        } catch let canceled as FailingTargetCanceled {
            throw canceled.error
        } catch let failure where run != nil {
            throw try recordFailedStart(failure, onto: target, at: mountpoint)
        }
    }

    /// A replace whose START failed (ENOSPC when the kernel cannot set a block group read-only
    /// for lack of room for a new chunk, EIO, ...) left its target as a cancel does: the
    /// store's superblock written there with its magic zeroed, which no signature describes.
    /// It is recorded like a canceled target (`CanceledReplaceTarget`), so that a re-run,
    /// `--abort` and `provision --device` accept exactly that volume, and the journal says
    /// the replace failed; the error names the remedy.
    private func recordFailedStart(_ failure: Error, onto target: String, at mountpoint: String) throws -> Error {
        let uuid = try BtrfsFilesystem.open(mountpoint).uuid
        guard try !BtrfsDeviceReplace.status(at: mountpoint).state.isOngoing else { return failure }
        if let scratched = try BtrfsSuperblock.readScratched(target), scratched.fsid == uuid, scratched.devid == 0 {
            try recordCanceled(target, deviceUUID: scratched.deviceUUID, uuid: uuid)
        }
        if var journal = try MigrationJournal.read(host: host) {
            journal.phase = "replace failed"
            try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
        }
        let noRoom = (failure as? DockStoreError)?.code == Errno.noSpace
        let remedy = noRoom
            ? "the store lacks the unallocated room the kernel needs to start a replace: close the migration with migrate-ebs --abort, then move by add + remove (adding the volume gives the store that room) with \(MigrationMethod.variable)=add-remove dockstore migrate-ebs \(target); or free space (docker system prune, dockstore reclaim) and re-run migrate-ebs"
            : "see the kernel log (dmesg | grep dev_replace), then re-run migrate-ebs, or close the migration with migrate-ebs --abort"
        // ENOSPC is the kernel refusing the request (the store did not change): exit 2.
        return DockStoreError(noRoom ? .refused : .failed, "\(failure); the store stays on the image and \(target) is recorded as its failed replace target (re-run, --abort and provision --device accept it): \(remedy)",
                              code: (failure as? DockStoreError)?.code)
    }

    /// Follows the replace the kernel runs until it finished, reporting progress.
    private func follow(_ startedRun: BtrfsDeviceReplace.Run?, replacing devid: UInt64, with target: String, at mountpoint: String,
                        interval: Double, moving: @escaping @Sendable (MoveProgress) -> Void) throws {
        var run = startedRun
        // Progress is told every `interval`; the target's errors are watched every tick, as
        // failed writes cost the kernel nothing and it runs through the rest of the copy at once.
        let tick = min(interval, Self.failingTargetTick)
        var told = -Double.infinity
        while true {
            if let started = run, try started.poll() != nil { run = nil }
            let status = try BtrfsDeviceReplace.status(at: mountpoint)
            switch status.state {
            case .started:
                if let failing = try failedWrites(status, at: mountpoint) {
                    try stopFailingReplace(onto: target, at: mountpoint, failing)
                }
                let now = MonotonicClock.seconds()
                if now - told >= interval {
                    told = now
                    moving(.thousandths(status.progress1000))
                }
            case .finished where run == nil:
                moving(.thousandths(1000))
                // A killed run's START may still be finishing in the kernel (it says finished
                // before it lets go of the exclusive operation): the next step's resize would be
                // refused as a concurrent exclusive operation.
                try waitForExclusiveOperation(at: mountpoint)
                try requireMoved(devid, onto: target, at: mountpoint)
                return
            case .suspended:
                throw DockStoreError.failed("the device replace at \(mountpoint) is suspended and the kernel does not continue it (its target is missing?); attach the volume and re-run, or cancel it with migrate-ebs --abort")
            case .canceled where run == nil, .neverStarted where run == nil:
                throw DockStoreError.failed("the device replace onto \(target) at \(mountpoint) was canceled (see the kernel log: dmesg | grep dev_replace); the store is on the image and \(target) holds a partial copy: close the migration with migrate-ebs --abort and move onto a blank volume")
            default:
                break
            }
            if let started = run {
                // Woken by the START child's end: no sleep's latency between the kernel's
                // finish and the next step.
                if try started.wait(upTo: tick) != nil { run = nil }
            } else {
                MonotonicClock.sleep(tick)
            }
        }
    }

    /// A killed dockstore's child may be inside START before the kernel records the replace
    /// as started (it holds the exclusive operation while it syncs and opens the target):
    /// wait until the kernel says started, or lets go of the exclusive operation.
    func waitWhileStarting(at mountpoint: String) throws -> BtrfsDeviceReplace.Status {
        let uuid = try BtrfsFilesystem.open(mountpoint).uuid
        for _ in 0..<1200 {
            let status = try BtrfsDeviceReplace.status(at: mountpoint)
            let operation = try FileContents.readString("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingWhitespace()
            if status.state.isOngoing || operation != "device replace" { return status }
            MonotonicClock.sleep(0.1)
        }
        throw DockStoreError.failed("a device replace has been starting at \(mountpoint) for two minutes and the kernel does not report it; look with btrfs replace status \(mountpoint) and re-run")
    }

    /// Waits until no exclusive operation runs on the filesystem (sysfs `exclusive_operation`).
    func waitForExclusiveOperation(at mountpoint: String) throws {
        let uuid = try BtrfsFilesystem.open(mountpoint).uuid
        for _ in 0..<1200 {
            let operation = try FileContents.readString("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingWhitespace()
            if operation == nil || operation == "none" { return }
            MonotonicClock.sleep(0.1)
        }
        throw DockStoreError.failed("the device replace at \(mountpoint) finished, but the kernel still holds its exclusive operation after two minutes; look with btrfs replace status \(mountpoint) and re-run")
    }

    /// Cancels the replace and waits until the kernel has let go of it (its START returns in
    /// the process that ran it), so the next step's resize is not refused as a concurrent
    /// exclusive operation; then commits, so the disk says canceled too (the kernel keeps a
    /// cancel in memory until a transaction commit that nothing else starts: the next mount
    /// would fail, its target missing).
    ///
    /// The target keeps a partial copy with a scratched superblock; it is recorded by its
    /// identity (`CanceledReplaceTarget`) so that a later move may reuse exactly that volume.
    func cancelReplace(onto target: String, at mountpoint: String) throws {
        let uuid = try BtrfsFilesystem.open(mountpoint).uuid
        let running = try BtrfsSuperblock.read(target).flatMap { $0.fsid == uuid && $0.devid == 0 ? $0 : nil }
        try BtrfsDeviceReplace.cancel(at: mountpoint)
        for _ in 0..<1200 {
            let operation = try FileContents.readString("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingWhitespace()
            if try !BtrfsDeviceReplace.status(at: mountpoint).state.isOngoing, operation == nil || operation == "none" {
                // The kernel may have finished the copy between the plan and the cancel (a killed
                // dockstore's replace runs on): then the cancel had nothing to cancel and the
                // target holds the store (it took the image's devid). Told by the target's
                // membership (its device number), never by the cancel's result.
                if try isMember(target, of: CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")) {
                    throw DockStoreError.failed("the replace finished before it could be canceled: the store is on \(target) now; re-run migrate-ebs \(target) to finish the move (fstab, image)")
                }
                if let running { try recordCanceled(target, deviceUUID: running.deviceUUID, uuid: uuid) }
                // The cancel is in the kernel's memory only: committed here, or the next mount
                // fails (`BtrfsDeviceReplace.recordedState`).
                try BtrfsDeviceReplace.requireRecordedIdle(at: mountpoint, what: "the replace onto \(target) was canceled but the migration stays open")
                return
            }
            MonotonicClock.sleep(0.1)
        }
        throw DockStoreError.failed("the device replace at \(mountpoint) was canceled but the kernel still runs it after two minutes; look with btrfs replace status \(mountpoint) and re-run")
    }

    /// Records what the canceled replace left on `target`, when its scratched superblock is
    /// still the one the replace wrote (the same device UUID): nothing else is recorded, so
    /// nothing else is ever reused.
    func recordCanceled(_ target: String, deviceUUID: String, uuid: String) throws {
        guard let scratched = try BtrfsSuperblock.readScratched(target), scratched.fsid == uuid,
              scratched.deviceUUID == deviceUUID, BlockProbe.probe(target) == .unrecognizedData else { return }
        let record = CanceledReplaceTarget(filesystemUUID: uuid, deviceUUID: deviceUUID, volumeID: volumeID(of: target)?.description,
                                           device: target, ends: try CanceledReplaceTarget.fingerprint(target),
                                           devid: scratched.devid == 0 ? nil : scratched.devid)
        try CanceledReplaceTarget.record(record, host: host)
    }

    /// A canceled replace's target as recorded, re-checked at the moment a replace starts onto
    /// it: still exactly what was recorded, and nothing uses it (not mounted, not a member of a
    /// mounted btrfs: the kernel refuses to open it exclusively).
    func isCanceledReplaceTarget(_ path: String, uuid: String) throws -> Bool {
        guard try CanceledReplaceTarget.recognizing(path, volumeID: volumeID(of: path)?.description, storeUUID: uuid, host: host) != nil else {
            return false
        }
        try BlockDevice.checkNotInUse(path)
        return true
    }

    /// The EBS volume id of the disk behind a device node, found by its kernel name now.
    func volumeID(of path: String) -> EBSVolumeID? {
        guard case .success(let canonical) = PathCalls.realPath(path), let name = canonical.split(separator: "/").last else { return nil }
        return DeviceResolver().volumeID(of: String(name))
    }

    /// After the replace the image's device must be gone from the store and the target in it.
    private func requireMoved(_ devid: UInt64, onto target: String, at mountpoint: String) throws {
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        guard try isMember(target, of: reading) else {
            throw DockStoreError.failed("the kernel says the device replace at \(mountpoint) finished, but \(target) is not part of the store; look with btrfs filesystem show \(mountpoint)")
        }
    }

    /// The device holds this store's superblock as devid 0 (a replace target) and is not a member.
    func isStaleReplaceTarget(_ path: String, uuid: String) throws -> Bool {
        guard let superblock = try BtrfsSuperblock.read(path) else { return false }
        return superblock.fsid == uuid && superblock.devid == 0
    }

    func isMember(_ path: String, of reading: BtrfsReading) throws -> Bool {
        let node = try FileStatus.following(path)
        return try reading.devices.contains { try FileStatus.following($0.path)?.rdev == node?.rdev }
    }
}
