extension TeardownObservation {
    /// Teardown's input from the store observation, plus what only teardown reads: whether
    /// dockerd runs and Docker's drop-in and sysconfig. Pure, so tables test it; the store
    /// device found by fstab's `UUID=` line and its other mounts are read afterwards
    /// (`Teardowner.observe`).
    public init(store: StoreObservation, dockerdPID: Int32?, dropIn: DockerDropIn.Ownership?, sysconfig: [UInt8]?) throws {
        let mounted = try store.mount()
        var imageExists = false
        var imageLoops: [String] = []
        if case .file(_, _, _, let loops) = try store.image.value() {
            imageExists = true
            imageLoops = loops.map(\.path)
        }
        var device: String? = nil
        if let entry = mounted, entry.source.hasPrefix("/dev/"), !imageLoops.contains(entry.source) {
            device = entry.source
        }
        var storeUUID: String? = nil
        var deviceLabel: String? = nil
        if case .signature(_, let uuid, let label)? = try store.mountedSource.value()?.content {
            storeUUID = uuid
            deviceLabel = label
        }
        // The mounted btrfs's own UUID (FS_INFO) is the store's: the probe reads the source's node
        // in /dev, which may be another device's (a node replaced); its label counts only with it.
        if mounted?.fstype == "btrfs", let mountedUUID = try store.btrfs.value()?.uuid, mountedUUID.lowercased() != storeUUID?.lowercased() {
            storeUUID = mountedUUID
            deviceLabel = nil
        }
        let journal = try store.migrationJournal.value()
        // deviceMountedElsewhere is read afterwards, once the device is known (`Teardowner.observe`).
        self.init(dockerdPID: dockerdPID, mounted: mounted, imageLoops: imageLoops, imageExists: imageExists,
                  device: device, deviceMountedElsewhere: [], fstab: try store.fstab.value(), storeUUID: storeUUID,
                  deviceLabel: deviceLabel, journalUUID: journal?.filesystemUUID, migrationOpen: journal != nil,
                  dropIn: dropIn, sysconfig: sysconfig, systemdRunning: try store.systemdRunning.value(),
                  bootDisabled: try store.bootDisabled.value(), reclaimOpen: try store.reclaimOpen.value())
        if mounted?.fstype == "btrfs", let btrfs = try store.btrfs.value() { storeMembers = btrfs.members.map(\.devicePath) }
    }
}
