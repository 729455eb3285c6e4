import CLinuxShim

/// The replace's state as the filesystem records it on disk, which is what the next mount
/// reads, and what STATUS (the kernel's memory) does not show.
///
/// Surprising, and the cause of a store that no longer mounts after `migrate-ebs --abort` and a
/// reboot (finding A-12): when a running replace is canceled, the kernel sets CANCELED in
/// memory only (`btrfs_dev_replace_finishing` marks the item for writeback and commits no
/// transaction). The item is written at the next transaction commit that runs — but
/// BTRFS_IOC_SYNC and syncfs commit only a transaction already running, and on an idle store
/// nothing starts one, not even the unmount: the disk keeps "started" at the cursor of the
/// last commit (checked on Linux 6.18 with the plain tools: `btrfs replace start`, `cancel`,
/// `umount`, `mount` fails with "device replace operation is ongoing and tgtdev (devid 0) is
/// missing"). So the record is forced with a commit (`commitRecord`) and read back.
extension BtrfsDeviceReplace {
    /// The DEV_REPLACE item of the device tree (TREE_SEARCH): the state the last transaction
    /// commit wrote. `.neverStarted` when there is no item (no replace ever ran).
    public static func recordedState(at mountpoint: String) throws -> State {
        try Syscall.withFolder(mountpoint) { fd in
            var found: Int32 = 0
            var raw: UInt64 = 0
            try Syscall.check("cannot read the device replace record (btrfs DEV_REPLACE item) of", mountpoint) {
                ds_btrfs_replace_item(fd, &found, &raw)
            }
            guard found != 0 else { return .neverStarted }
            guard let state = State(rawValue: raw) else {
                throw DockStoreError.failed("the device replace record of \(mountpoint) says state \(raw), which dockstore does not know; look with btrfs replace status \(mountpoint)")
            }
            return state
        }
    }

    /// Forces a transaction commit (the label written back unchanged, `ds_btrfs_commit_label`),
    /// so the kernel's state of the replace is written to disk, and returns the state recorded
    /// after it. Called only once the kernel no longer runs the replace (STATUS not ongoing).
    @discardableResult
    public static func commitRecord(at mountpoint: String) throws -> State {
        try Syscall.withFolder(mountpoint) { fd in
            try Syscall.check("cannot commit a transaction (btrfs label written back unchanged) on", mountpoint) {
                ds_btrfs_commit_label(fd)
            }
        }
        return try recordedState(at: mountpoint)
    }

    /// Once the kernel no longer runs a replace, its record on disk must not say one is under
    /// way, or the next mount fails (the target, devid 0, is missing at boot). Commits when the
    /// record still says so; throws naming the next step when a commit did not change it.
    /// `what` names the caller's situation for the message.
    public static func requireRecordedIdle(at mountpoint: String, what: String) throws {
        if try !recordedState(at: mountpoint).isOngoing { return }
        let memory = try status(at: mountpoint).state
        guard !memory.isOngoing else {
            throw DockStoreError.failed("\(what): the kernel still runs the device replace at \(mountpoint) (btrfs replace status \(mountpoint)); re-run")
        }
        let recorded = try commitRecord(at: mountpoint)
        guard recorded.isOngoing else { return }
        throw DockStoreError.failed("\(what): the kernel says the device replace at \(mountpoint) is \(memory), but its record on disk still says \(recorded) after a transaction commit, and the store would not mount at the next boot; do not reboot or unmount it: re-run, and look with btrfs replace status \(mountpoint)")
    }
}
