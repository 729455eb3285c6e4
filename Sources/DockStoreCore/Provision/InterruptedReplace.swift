/// A device replace that a reboot interrupted, and that the kernel cannot resume.
///
/// The kernel keeps a replace's state on disk and resumes it when the filesystem mounts, but
/// only if it knows the target (devid 0). Since Linux 6.7 a scan never registers a device of
/// a filesystem whose superblock counts one device (btrfs_skip_registration), and a replace's
/// target is not counted: after a reboot mid-replace of the single-device store the mount
/// fails ("tgtdev (devid 0) is missing"), whatever name the target got. Everything is still
/// on the image (a replace only copies), so provision mounts it degraded — which allows the
/// missing target — cancels the replace, commits the cancel (`BtrfsDeviceReplace.recordedState`),
/// unmounts and lets the normal mount run again. The journal stays open: `migrate-ebs` starts
/// the replace again onto the same volume.
///
/// Without a journal the same state is a replace whose cancel never reached the disk (a
/// `migrate-ebs --abort` before the fix of A-12, or `btrfs replace cancel` by hand, then a
/// reboot): the kernel refuses every mount, and the same recovery applies on the same proof.
enum InterruptedReplace {
    /// Degraded is allowed only where the one device it lets be missing is the replace's
    /// target: the image's superblock is a real member (devid 1 and up, never a target's 0) of
    /// a filesystem that counts one device — a replace's target (devid 0) is never counted, so
    /// no member holding data can be missing and every chunk is on the image. With a journal it
    /// must be a replace's and name this store (by filesystem UUID); one of another method or
    /// store refuses. A store of several devices is never mounted degraded.
    static func mayMountDegraded(_ image: BtrfsSuperblock?, journal: MigrationJournal?) -> Bool {
        guard let image, image.devid != 0, image.numDevices == 1 else { return false }
        guard let journal else { return true }
        return journal.recordedMethod == .replace && journal.filesystemUUID == image.fsid
    }

    /// True when it found such a replace and canceled it; false when the degraded mount shows
    /// something else (then the store is unmounted again and the caller reports its error).
    ///
    /// The degraded mount goes onto a descriptor of the mountpoint opened inside --root
    /// (`Host.mount(source:at:…)`), and it is taken down by identity (`Host.unmount(at:expected:)`):
    /// only when what is mounted there is still the filesystem this mounted.
    static func cancel(source: String, mountpoint: HostPath, fstype: String, options: String, host: Host) throws -> Bool {
        guard let image = try BtrfsSuperblock.read(source), mayMountDegraded(image, journal: try MigrationJournal.read(host: host)) else { return false }
        let degraded = options.isEmpty ? "degraded" : options + ",degraded"
        let target = host.real(mountpoint)
        do {
            try host.mount(source: source, at: mountpoint, fstype: fstype, options: degraded)
        } catch {
            return false
        }
        guard let ours = try host.mountedIdentity(at: mountpoint) else {
            throw DockStoreError.failed("the degraded mount of \(source) at \(target) is gone (something unmounted it at once); re-run")
        }
        var canceled = false
        do {
            let status = try BtrfsDeviceReplace.status(at: target)
            if status.state.isOngoing, try BtrfsDeviceReplace.target(at: target) == nil,
               try CapacityProbe.readBtrfs(target, sysfs: "/sys").devices.map(\.devid) == [image.devid] {
                canceled = try BtrfsDeviceReplace.cancel(at: target)
                // A suspended replace's cancel commits in some kernels and not in others: the
                // disk must say canceled before the normal mount is tried again.
                try BtrfsDeviceReplace.requireRecordedIdle(at: target, what: "the device replace recorded on \(source) was canceled at boot")
            }
        } catch {
            try host.unmount(at: mountpoint, expected: ours)
            throw error
        }
        try host.unmount(at: mountpoint, expected: ours)
        if canceled, var journal = try MigrationJournal.read(host: host) {
            journal.phase = "replace interrupted by a reboot and canceled at boot; migrate-ebs starts it again"
            try AtomicFile.write(MigrationJournal.path, on: host, try journal.encoded(), mode: 0o600)
        }
        return canceled
    }
}
