/// Teardown's part in whose Docker's configuration is (`Teardowner.otherConfiguredStore`).
extension TeardownPlanner {
    /// The line teardown prints when it keeps Docker's configuration because it serves the
    /// store at another mountpoint: what stays, and the teardown that would take it down.
    public static func configurationNote(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) throws -> String? {
        guard let other = o.configuredForOtherStore else { return nil }
        var whole = o
        whole.configuredForOtherStore = nil
        var kept: [String] = []
        for step in try plan(whole, request, host) where step.isConfiguration {
            let name = step.configurationName(host)
            if !kept.contains(name) { kept.append(name) }
        }
        guard !kept.isEmpty else { return nil }
        return "kept Docker's configuration (\(kept.joined(separator: ", "))): it serves the store at \(host.real(other)), not the one at \(host.real(request.mountpoint)); to take that store down too, run dockstore teardown --mountpoint \(other.string)"
    }
}

extension TeardownStep {
    /// Belongs to the store Docker's configuration serves, not to whatever is mounted at the
    /// teardown's mountpoint: the boot unit, the drop-in, the storage flags, daemon.json's
    /// record, provision's folder and format records.
    var isConfiguration: Bool {
        switch self {
        case .disableBoot, .removeDropIn, .writeSysconfig, .removeSysconfig, .giveBackDaemonJSON, .removeDaemonJSONRecord,
             .removeFolders, .forgetFormatRecord:
            return true
        // check's caches name the store they are about (its data root, its UUID).
        // The boot settings' lines go only when they name this teardown's store (`BootSettingsUndo`).
        // The mount unit's drop-in belongs to the mountpoint, like its fstab line.
        case .stopDocker, .unmount, .detachLoops, .wipeDevice, .writeFstab, .removeFstab, .removeMountDropIn, .deleteImage, .deleteLeftover, .reloadSystemd,
             .forgetCheckCaches, .bootSettings:
            return false
        }
    }

    /// What a configuration step would have changed, as `configurationNote` names it.
    func configurationName(_ host: Host) -> String {
        switch self {
        case .disableBoot: return "dockstore-provision.service at boot"
        case .removeDropIn: return host.real(HostPaths.dockerDropIn)
        case .writeSysconfig, .removeSysconfig: return "the storage flags in \(host.real(HostPaths.sysconfigDocker))"
        case .giveBackDaemonJSON, .removeDaemonJSONRecord: return "\(host.real(HostPaths.daemonJSON)) and its record \(host.real(DaemonJSONRecord.path))"
        case .removeFolders: return "the folders provision made (\(host.real(ProvisionFolderRecord.path)))"
        case .forgetFormatRecord: return host.real(FormatRecord.path)
        default: return describe(host)
        }
    }
}

extension TeardownPlanner {
    /// The refusal for an image that is not the store's btrfs (labelled docker), or nil: the
    /// file `--image` names is deleted only when it holds what provision made there.
    /// The store teardown takes down is on a volume, not the image: its block device is mounted
    /// at the mountpoint, or, with nothing mounted there, fstab's line mounts it by `UUID=` (a
    /// move's, or `provision --device`'s). Its name for people; nil for an image store (the
    /// image's loop device mounted there).
    static func volumeStore(_ o: TeardownObservation, _ request: TeardownRequest) -> String? {
        if let device = o.device { return o.storeUUID.map { "UUID=\($0) (\(device))" } ?? device }
        guard o.mounted == nil, let bytes = o.fstab, let line = FstabFile(bytes: bytes).entries(mountingAt: request.mountpoint).first?.entry,
              line.source.hasPrefix("UUID=") else { return nil }
        return line.source
    }

    /// Attack 30 2-del: after a move, a btrfs file at the image's name (another filesystem, or
    /// a copy of the store) was deleted by `--delete-image`, right after provision had said it
    /// leaves that file alone. With the store on a volume the file is no image of it: kept,
    /// whatever it holds, and the run refused before anything changed.
    static func notTheVolumeStore(_ content: BlockContent?, path: String, volume: String) -> DockStoreError {
        let holds = content?.summary ?? "nothing teardown could read"
        return DockStoreError.refused("refusing to delete \(path): the store teardown takes down is on the volume \(volume), not in that file, which holds \(holds); nothing was changed: without --delete-image teardown keeps the file, and you remove it yourself if it is truly unwanted")
    }

    static func notStoreImage(_ content: BlockContent?, path: String) -> DockStoreError? {
        if case .signature("btrfs", _, ProvisionRequest.defaultLabel?)? = content { return nil }
        let holds = content?.summary ?? "nothing teardown could read"
        return DockStoreError.refused("refusing to delete \(path): it holds \(holds), not a btrfs labelled \(ProvisionRequest.defaultLabel) as the image dockstore makes; nothing was changed: check --image (without --delete-image teardown keeps the file), and remove the file yourself if it is truly unwanted")
    }
}
