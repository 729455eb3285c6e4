/// A replace whose writes fail (attack 13 X8: the target volume failing, detached or shrunk
/// under the move). The kernel does not stop a replace for write errors: it runs on, finishes,
/// makes the damaged copy the store's only device and erases the store's superblock on the
/// image. So the move watches the errors while the replace runs and cancels it at the first
/// one: a canceled replace leaves the image the store's intact device.
extension Migrator {
    /// How often the replace's errors are read: two ioctls, 50 times a second.
    static let failingTargetTick = 0.02

    /// What says the target's writes fail: the replace's own counts (BTRFS_IOC_DEV_REPLACE
    /// STATUS: the copy's write errors, reads of the source no mirror could correct) and the
    /// error counters of the target (devid 0), which count the writes the store mirrors onto it
    /// while the copy runs. nil while there are none.
    func failedWrites(_ status: BtrfsDeviceReplace.Status, at mountpoint: String) throws -> String? {
        var found: [String] = []
        if status.writeErrors > 0 { found.append("\(status.writeErrors) write errors in the copy") }
        if status.uncorrectableReadErrors > 0 { found.append("\(status.uncorrectableReadErrors) reads of the image that failed") }
        do {
            let counters = try DeviceStatsIoctl.read(mountpoint: mountpoint, devid: 0)
            let nonZero = DeviceErrorCounters.names.filter { (counters[$0] ?? 0) > 0 }
            if !nonZero.isEmpty { found.append("the target's " + nonZero.map { "\($0)=\(counters[$0] ?? 0)" }.joinedText(" ")) }
        } catch let error as DockStoreError where error.code == Errno.noSuchDevice {
            // The replace ended between the status and this read: devid 0 is gone. The finish
            // is judged by the next round (requireMoved, then the sound-copy re-checks).
            guard try BtrfsDeviceReplace.status(at: mountpoint).state.isOngoing else { return nil }
            throw error
        }
        return found.isEmpty ? nil : found.joinedText(", ")
    }

    /// Cancels the replace (the store stays on the image) and stops the move with exit 1.
    /// When the kernel finished the copy before the cancel reached it, `cancelReplace` says so
    /// and the sound-copy re-checks of the steps that let go of the image refuse the damaged copy.
    func stopFailingReplace(onto target: String, at mountpoint: String, _ failing: String) throws -> Never {
        try cancelReplace(onto: target, at: mountpoint)
        if var journal = try MigrationJournal.read(host: host) {
            journal.phase = "replace canceled: writes to the target failed"
            try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
        }
        throw FailingTargetCanceled(error: DockStoreError.failed("writes to \(target) failed during the device replace (\(failing)): the replace was canceled and the store stays on the image \(host.real(image)), which is still its device; \(target) holds a partial copy: look at the volume (dmesg), close the migration with dockstore migrate-ebs \(target.shellWord) --abort, and move onto a healthy volume; the kernel may count the failed writes on the image's device too (btrfs device stats \(mountpoint.shellWord)): once btrfs scrub start -B \(mountpoint.shellWord) finds no errors, reset them with btrfs device stats -z \(mountpoint.shellWord)"))
    }
}

/// The move's own cancel of a failing replace: its message is the run's last line as it is,
/// not a failed start's.
struct FailingTargetCanceled: Error {
    let error: DockStoreError
}
