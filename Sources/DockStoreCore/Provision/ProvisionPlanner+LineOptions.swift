/// The options of the store's fstab line, judged by the rule DOCKSTORE_MOUNT_OPTIONS is
/// judged by (`MountOptions.unusable`, one table).
extension ProvisionPlanner {
    /// Refuses a line, adopted or already dockstore's, whose options the settings refuse: it
    /// decides how the store is mounted now and at every boot, so `ro` would make a "ready"
    /// store dockerd cannot write, `noexec`/`user` one no container can start from, a loop
    /// option a second loop device. Said before anything is written; `nosuid`/`nodev` are kept
    /// (with `containerEffects`' warning), as in the settings.
    static func refuseUnusableLineOptions(_ entry: FstabEntry, fstab: FstabFile, mountpoint: HostPath, path: String) throws {
        guard let bad = MountOptions.unusable(inLine: entry.options) else { return }
        let number = fstab.entries(mountingAt: mountpoint).first.map { " line \($0.index + 1)" } ?? ""
        let names = bad.all.map { "'\($0)'" }.joined(separator: ", ")
        let also = bad.all.count > 1 ? " (\(names) all are refused as DOCKSTORE_MOUNT_OPTIONS)" : ""
        throw DockStoreError.refused("\(path)\(number) mounts the store with the option '\(bad.option)', which \(bad.reason)\(also); take \(names) out of that line and re-run (nothing was changed)")
    }
}

extension ProvisionPlanner {
    /// Refuses, before anything is created, a mount the kernel would fail for an option its
    /// filesystem parser rejects (attack 25 K1: an adopted line's `bogusopt` made every run
    /// create, format and remove the image, with the kernel's "wrong fs type, bad option"
    /// naming neither). An option asked for (DOCKSTORE_MOUNT_OPTIONS, --mount-options) is a
    /// usage error; one from fstab's line is that line's, named by its number.
    static func refuseKernelRejectedOptions(_ entry: FstabEntry, _ observed: ProvisionObservation, _ request: ProvisionRequest,
                                            fstype: String, fstab: FstabFile, path: String) throws {
        guard let (option, why) = observed.kernelRejectedOptions?.first(of: entry.options, fstype: fstype) else { return }
        let said = "the kernel's \(fstype) rejects the mount option '\(option)' (\(why))"
        if request.extraMountOptions.contains(option) {
            throw DockStoreError.usage("\(said), asked for by DOCKSTORE_MOUNT_OPTIONS or --mount-options: correct it or leave it out; nothing was changed")
        }
        let number = fstab.entries(mountingAt: request.mountpoint).first { $0.entry.options.contains(option) }.map { " line \($0.index + 1)" } ?? ""
        throw DockStoreError.refused("\(path)\(number) mounts the store with the option '\(option)', which the kernel's \(fstype) rejects (\(why)): every mount of the store would fail; correct it or take it out of that line and re-run (nothing was changed)")
    }
}

extension ProvisionPlanner {
    /// Refuses DOCKSTORE_BACKEND_OPTIONS that ask for a container size limit the store cannot
    /// enforce (`StorageQuota`): judged by the live mount when the store is mounted, else by the
    /// options its fstab line mounts it with. A settings mistake: usage (64), nothing done.
    static func refuseQuotaOptions(_ request: ProvisionRequest, _ observed: ProvisionObservation, fstype: String,
                                   line: FstabEntry, host: Host) throws {
        guard !request.driverOptions.isEmpty else { return }
        var options = line.options
        if case .mounted(let live, _, _) = observed.mountpoint { options = live.options.split(separator: ",").map(String.init) }
        if let problem = StorageQuota.problem(options: request.driverOptions.map(\.description), filesystem: FilesystemType(name: fstype),
                                              projectQuota: StorageQuota.enforced(options: options), target: host.real(request.mountpoint)) {
            throw DockStoreError.usage("DOCKSTORE_BACKEND_OPTIONS in \(host.real(ProvisionSettings.path)): \(problem)")
        }
    }
}
