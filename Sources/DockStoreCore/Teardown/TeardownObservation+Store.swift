extension TeardownObservation {
    /// Teardown's input from the store observation, plus what only teardown reads: whether
    /// dockerd runs and Docker's drop-in and sysconfig. Pure, so tables test it; the store
    /// device found by fstab's `UUID=` line and its other mounts are read afterwards
    /// (`Teardowner.observe`).
    public init(store: StoreObservation, dockerdPID: Int32?, dropInExists: Bool, sysconfig: [UInt8]?) throws {
        self.init()
        self.dockerdPID = dockerdPID
        mounted = try store.mount()
        if case .file(_, _, _, let loops) = try store.image.value() {
            imageExists = true
            imageLoops = loops.map(\.path)
        }
        fstab = try store.fstab.value()
        self.dropInExists = dropInExists
        bootDisabled = try store.bootDisabled.value()
        self.sysconfig = sysconfig
        systemdRunning = try store.systemdRunning.value()
        if let entry = mounted, entry.source.hasPrefix("/dev/"), !imageLoops.contains(entry.source) {
            device = entry.source
        }
        if case .signature(_, let uuid, let label)? = try store.mountedSource.value()?.content {
            storeUUID = uuid
            deviceLabel = label
        }
        let journal = try store.migrationJournal.value()
        migrationOpen = journal != nil
        journalUUID = journal?.filesystemUUID
        reclaimOpen = try store.reclaimOpen.value()
    }
}
