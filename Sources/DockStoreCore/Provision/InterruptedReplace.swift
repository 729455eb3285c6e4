/// A device replace that a reboot interrupted, and that the kernel cannot resume.
///
/// The kernel keeps a replace's state on disk and resumes it when the filesystem mounts, but
/// only if it knows the target (devid 0). Since Linux 6.7 a scan never registers a device of
/// a filesystem whose superblock counts one device (btrfs_skip_registration), and a replace's
/// target is not counted: after a reboot mid-replace of the single-device store the mount
/// fails ("tgtdev (devid 0) is missing"), whatever name the target got. Everything is still
/// on the image (a replace only copies), so provision mounts it degraded — which allows the
/// missing target — cancels the replace, unmounts and lets the normal mount run again. The
/// journal stays open: `migrate-ebs` starts the replace again onto the same volume.
enum InterruptedReplace {
    /// Degraded is allowed only where the one device it lets be missing is the replace's
    /// target: the image's superblock is the journal's store (by filesystem UUID), a real
    /// member (devid 1 and up, never a target's 0) of a filesystem that counts one device. A
    /// store of several devices, or one the journal does not name, is never mounted degraded.
    static func mayMountDegraded(_ image: BtrfsSuperblock?, journal: MigrationJournal?) -> Bool {
        guard let image, let journal, journal.recordedMethod == .replace, image.devid != 0, image.numDevices == 1 else { return false }
        return journal.filesystemUUID == image.fsid
    }

    /// True when it found such a replace and canceled it; false when the degraded mount shows
    /// something else (then the store is unmounted again and the caller reports its error).
    ///
    /// The degraded mount goes onto a descriptor of the mountpoint opened inside --root
    /// (`Host.mount(source:at:…)`), and it is taken down by identity (`Host.unmount(at:expected:)`):
    /// only when what is mounted there is still the filesystem this mounted.
    static func cancel(source: String, mountpoint: HostPath, fstype: String, options: String, host: Host) throws -> Bool {
        guard mayMountDegraded(try BtrfsSuperblock.read(source), journal: try MigrationJournal.read(host: host)) else { return false }
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
            if status.state.isOngoing, try BtrfsDeviceReplace.target(at: target) == nil {
                canceled = try BtrfsDeviceReplace.cancel(at: target)
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
