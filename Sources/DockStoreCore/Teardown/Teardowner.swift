/// Observes and applies a teardown. Every step checks its state first, so a teardown
/// killed midway is finished by the next run.
public struct Teardowner: Sendable {
    public let host: Host
    public let request: TeardownRequest
    /// /etc/sysconfig/dockstore as this run read it (`StorePaths`); the observation carries it.
    public let settings: StoreFact<ProvisionSettings>

    public init(host: Host, request: TeardownRequest, settings: StoreFact<ProvisionSettings>) {
        self.host = host
        self.request = request
        self.settings = settings
    }

    /// The folders of the files teardown reads and writes (fstab and the boot switch, the
    /// sysconfig file, the drop-in): a link to nothing or a file in place of one is refused
    /// before anything is planned, as provision's preflight refuses it; "cannot tell what is
    /// there" never plans as "nothing there". A folder that is simply missing is fine.
    static let folders = [HostPaths.bootDisabled.parent, HostPaths.sysconfigDocker.parent, HostPaths.dockerDropIn.parent]

    public func observe() throws -> TeardownObservation {
        for folder in Self.folders { try host.checkFolders(folder, creating: true) }
        try Self.refuseLinkedMountpoint(request.mountpoint, on: host)
        let dockerdPID = try DockerDaemon.running(host: host)
        let store = StoreObserver(host: host, image: request.image, mountpoint: request.mountpoint, settings: settings).observe(.all)
        let dropIn = try FileContents.read(HostPaths.dockerDropIn, on: host)
        try Self.refuseOtherSpellingOfMountpoint(request.mountpoint, dropIn: dropIn, on: host)
        var o = try TeardownObservation(store: store, dockerdPID: dockerdPID, dropIn: dropIn.map(DockerDropIn.ownership(of:)),
                                        sysconfig: try FileContents.read(HostPaths.sysconfigDocker, on: host))
        let unitPath = host.unitPath(request.mountpoint)
        o.mountUnitPath = unitPath
        if let relinked = try RelinkedStore.find(dropIn: dropIn, mountpoint: request.mountpoint, unitPath: unitPath, mounts: try store.mounts.value(),
                                                 root: host.root, image: request.image, fstab: o.fstab) {
            throw relinked.refusal(mountpoint: request.mountpoint, resolved: unitPath, command: "teardown")
        }
        o.staleMountDropIn = try StaleMountDropIn.observe(dropIn: dropIn, mountpoint: request.mountpoint, unitPath: unitPath, host: host)
        o.formerUnit = DockerDropIn.formerUnit(in: dropIn, mountpoint: request.mountpoint, unitPath: unitPath)
        if let unit = o.formerUnit, o.staleMountDropIn == nil, unit.utf8.count <= MountUnitName.maxLength,
           try FileContents.read(MountDropIn.path(unit: unit), on: host) != nil {
            o.keptFormerMountDropIn = MountDropIn.path(unit: unit)
        }
        o.mountDropIn = try MountDropIn.read(unitPath: unitPath, on: host).map(MountDropIn.ownership(of:))
        o.createdFolders = dropIn.map { DockerDropIn.createdFolders(in: $0).folders } ?? []
        o.configuredForOtherStore = try otherConfiguredStore(dropIn: dropIn)
        if let bytes = try FileContents.read(ProvisionFolderRecord.path, on: host) {
            guard let folders = ProvisionFolderRecord.folders(in: bytes) else {
                throw DockStoreError.refused("\(host.real(ProvisionFolderRecord.path)) is not the record of folders dockstore writes, so which folders provision made cannot be told; nothing was changed: look at it, and move it away (teardown then removes no folder provision made) and re-run")
            }
            o.folderRecord = folders
            // No drop-in names a store, and provision made this mountpoint's folder: the records
            // left are this store's, also once its settings lines went (a teardown killed after
            // its boot-settings step, re-run with the --mountpoint the settings gave).
            if dropIn == nil, o.configuredForOtherStore != nil, folders.contains(request.mountpoint) { o.configuredForOtherStore = nil }
        }
        o.daemonJSONRecord = try FileContents.read(DaemonJSONRecord.path, on: host)
        o.bootSettings = try FileContents.read(ProvisionSettings.path, on: host)
        if o.daemonJSONRecord != nil { o.daemonJSON = try FileContents.read(HostPaths.daemonJSON, on: host) }
        if o.imageExists, let status = try host.statusInRoot(request.image), status.kind == .regular {
            o.imageFile = FileIdentity(status)
            // Only --delete-image needs it (`TeardownPlanner.notStoreImage`): no probe otherwise.
            if request.deleteImage { o.imageContent = BlockProbe.probe(host.real(request.image)) }
        }
        if o.reclaimOpen, let journal = try ReclaimJournal.read(host: host) { o.reclaimRoomLent = try journal.roomLent(host: host) }
        o.imageLeftovers = try ImageLeftover.observe(host: host, image: request.image)
        o.formatRecord = try FormatRecordLeftover.observe(host: host)
        o.provisionUnitEnabled = try host.provisionUnitEnabled()
        let mounts = try store.mounts.value()
        let target = store.mountpoint
        try Self.refuseOutsideRoot(o, host: host, settings: settings, mountpoint: request.mountpoint, target: target)
        try Self.refuseStackedMounts(mounts, at: target, imageLoops: o.imageLoops)
        if let refusal = try NodelessHolder.recordedPathRefusal(store, doing: "tear down \(target)") { throw refusal }
        if let device = o.device { try Self.refuseNodeless(device, mountedAt: target) }
        try Self.refuseOpenLoops(o.imageLoops)
        if request.wipeDevice, let device = o.device, !o.imageLoops.contains(device) { try Self.refuseOpenDevice(device, changed: false) }
        // The image renamed away while mounted: unmounting would leave the next boot mounting
        // whatever has the image's name; teardown says what check and provision say (A-7).
        // While a migration is open the store is meant to be on another device (which may be a
        // loop device over a file beside the image): the planner's migration refusal says that.
        if o.mounted != nil, !o.migrationOpen, let moved = try MovedImage.find(store, host: host, mountpoint: request.mountpoint) {
            throw moved.refusal(mountpoint: target)
        }
        if o.mounted != nil, !o.migrationOpen, let other = try OtherStoreMounted.find(store, host: host, mountpoint: request.mountpoint) {
            throw other.refusal(mountpoint: target)
        }
        // Deleted or replaced while mounted (moved onto another filesystem is a copy and a
        // delete): the data lives only as long as the mount, which teardown would end; it says
        // what check, provision and grow say, not that the store is not provably its own (H9).
        if o.mounted != nil, let entry = try store.mount(), entry.fstype == "btrfs", let btrfs = try store.btrfs.value() {
            var condition = StoreCondition()
            _ = CapacityProbe.hostBacking(btrfs.reading, sysfs: "/sys", root: "/", into: &condition)
            if let image = condition.image, let verdict = image.verdict(mountpoint: target) {
                throw DockStoreError.refused("refusing to tear down: \(verdict)")
            }
        }
        if o.storeUUID == nil, let bytes = o.fstab,
           let line = FstabFile(bytes: bytes).entries(mountingAt: request.mountpoint).first?.entry, line.source.hasPrefix("UUID=") {
            let named = String(line.source.dropFirst(5))
            if let node = try BlockProbe.device(withUUID: named) {
                if case .signature(_, let uuid, "docker") = BlockProbe.probe(node) {
                    o.storeUUID = uuid
                    o.deviceLabel = "docker"
                    o.device = o.device ?? node
                }
            } else if o.mounted == nil {
                o.unheldFstabUUID = named
            }
        }
        if let device = o.device, let foreign = try ForeignLoopStore.mounted(from: device, image: host.real(request.image)) {
            throw DockStoreError.refused("refusing: \(foreign.verdict(mountpoint: target)); teardown takes down only this root's store")
        }
        if let device = o.device, let node = try FileStatus.following(device) {
            // Below the store's own mount is the store again: dockerd's driver bind-mounts its home
            // there (attack 13 X1td), and stopping Docker takes it away; the wipe's exclusive open
            // is the check at the moment it acts.
            let storeMounted = o.mounted != nil
            o.deviceMountedElsewhere = try mounts.filter { entry in
                guard !entry.target.sameBytes(target), entry.source.hasPrefix("/"),
                      !(storeMounted && entry.target.hasBytePrefix(target + "/")) else { return false }
                return try FileStatus.following(entry.source).map { $0.kind == .blockDevice && $0.rdev == node.rdev } == true
            }.map(\.target)
        }
        if let refusal = try Self.secondInstanceRefusal(o, request: request, image: host.real(request.image), mountpoint: target, mounts: mounts, root: host.root) {
            throw refusal
        }
        if let mounted = o.mounted {
            if o.dockerdPID == nil, mounted.fstype == "btrfs", let uuid = o.storeUUID { try Self.refuseUnnamedDockerd(storeUUID: uuid, at: target, host: host) }
            try Self.refuseMountsHere(mounts, store: mounted, at: target, dockerdRuns: o.dockerdPID != nil, changed: false)
        }
        if let mounted = o.mounted, o.dockerdPID == nil {
            try Self.refuseForeignMounts(device: mounted.device, mountpoint: target, changed: false)
        } else if o.mounted == nil, let device = o.device {
            try Self.refuseMountedOnlyElsewhere(device, mountpoint: target)
        }
        o.checkCaches = try CheckCacheLeftover.observe(host: host, dataRoot: target, uuid: o.storeUUID ?? o.unheldFstabUUID)
        return o
    }

    /// Several mounts at the mountpoint (a bind mount over the store, the store mounted twice):
    /// one unmount would take down only the top one and leave the store mounted, so teardown
    /// refuses before it changes anything. Another filesystem over the store (the lowest mount
    /// there, or the image's loop device) is named as check, status and provision name it
    /// (`MountedOver`).
    static func refuseStackedMounts(_ mounts: [MountEntry], at target: String, imageLoops: [String] = []) throws {
        guard let stack = MountStack.at(target, in: mounts) else { return }
        let head = "refusing: \(stack.entries.count) filesystems are mounted on top of each other at \(target)"
        if let over = stack.covering({ imageLoops.isEmpty || imageLoops.contains($0.source) }) {
            throw DockStoreError.refused("\(head): \(over.verdict(mountpoint: target)); teardown unmounts only the store: then re-run; nothing was changed")
        }
        // One filesystem listed there more than once: a recursive bind above copied it (attack 45 N E).
        // Under shared propagation one unmount takes every copy, and nothing is left (attack 46 P F7).
        if try stack.goesWithOneUnmount(at: target) { return }
        if stack.isOneFilesystem, let cover = try HiddenMount.laterCover(at: target) {
            throw DockStoreError.refused("refusing: \(stack.entries[0].source) is mounted at \(target) \(stack.entries.count) times, because the mount at \(cover) copied it (a recursive bind, mount --rbind): teardown would unmount one copy and leave the other; unmount that bind (umount -R \(cover.shellWord)) and re-run; nothing was changed")
        }
        throw DockStoreError.refused("\(head) (\(stack.entries.map(\.source).joined(separator: ", "))); teardown unmounts only the store: unmount the others (findmnt \(target)) and re-run")
    }

    static let bootDisabledText = """
        # Left by dockstore teardown: Docker's storage was taken down on purpose.
        # While this file exists, dockstore-provision.service does not run at boot
        # (ConditionPathExists=!/etc/dockstore.disabled) and Docker keeps its data in the
        # plain folder. To set the store up again, run: dockstore provision (it removes this file).

        """

    /// Applies the steps through `StepEngine` (each re-checked first, `TeardownStep.recheck`).
    /// A refusal or failure after dockerd was stopped says so, and how to start it again.
    /// The folders step reports only the folders it removed; each one it kept goes to `kept`,
    /// in words that say why (`removeFolders`).
    public func apply(_ steps: [TeardownStep], sweeping sweep: DebrisSweep?, progress: (TeardownStep) -> Void,
                      kept: (String) -> Void = { _ in }) throws {
        var stopped: TeardownStep? = nil
        var folders: (removed: [HostPath], kept: [String]) = ([], [])
        do {
            try StepEngine.apply(steps, in: self, sweeping: sweep, progress: { step in
                if case .stopDocker = step { stopped = step }
                guard case .removeFolders(_, let record, _) = step else { return progress(step) }
                if !folders.removed.isEmpty || record { progress(.removeFolders(folders.removed, record: record)) }
                folders.kept.forEach(kept)
            }) { step in
                if case .removeFolders(let planned, let record, let notMade) = step {
                    folders = try removeFolders(planned, record: record, notMade: notMade)
                } else {
                    try act(step)
                }
            }
        } catch let error as DockStoreError {
            guard case .stopDocker(let pid, let viaSystemd)? = stopped else { throw error }
            let start = viaSystemd ? "start it again with systemctl start docker.socket docker.service"
                : "start dockerd again the way it was started"
            let which = pid > 0 ? "dockerd (pid \(pid))" : "dockerd"
            throw DockStoreError(error.kind, "\(error.message); this run had stopped \(which) before: \(start) if you keep the store as it is", code: error.code)
        }
    }

    private func act(_ step: TeardownStep) throws {
        switch step {
        case .stopDocker(let pid, let viaSystemd):
            try DockerDaemon.stop(pid: pid, viaSystemd: viaSystemd, host: host)
        case .unmount(_, let identity):
            let shown = host.real(request.mountpoint)
            let device = try MountTable.read().mount(at: shown)?.device
            try host.unmount(at: request.mountpoint, expected: identity)
            if let device { try Self.checkUnmountedEverywhere(device: device, mountpoint: shown) }
            try Self.checkReleased(identity, mountpoint: shown)
        case .detachLoops(let loops):
            for loop in loops {
                guard try LoopDevice.status(loop) != nil else { continue }
                try LoopDevice.detach(loop)
            }
            LoopDevice.waitUntilReleased(loops)
            try Self.checkDetached(loops, image: host.real(request.image), mountpoint: host.real(request.mountpoint))
        case .disableBoot:
            try AtomicFile.write(HostPaths.bootDisabled, on: host, Array(Self.bootDisabledText.utf8), mode: 0o644)
        case .writeFstab(let bytes, _, let basis):
            try AtomicFile.write(HostPaths.fstab, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak", basis: basis)
        case .removeFstab(_, let basis):
            if let refusal = basis.refusal(current: try FileContents.read(HostPaths.fstab, on: host), path: host.real(HostPaths.fstab)) {
                throw refusal
            }
            try host.removeFile(HostPaths.fstab)
            try host.removeBackup(of: HostPaths.fstab)
        case .removeDropIn:
            try host.removeFile(HostPaths.dockerDropIn)
        case .removeMountDropIn(let path):
            try host.removeFile(path)
        case .removeFolders(let folders, let record, let notMade):
            _ = try removeFolders(folders, record: record, notMade: notMade)
        case .writeSysconfig(let bytes, _, let basis):
            try AtomicFile.write(HostPaths.sysconfigDocker, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak", basis: basis)
        case .removeSysconfig:
            try host.removeFile(HostPaths.sysconfigDocker)
            try host.removeBackup(of: HostPaths.sysconfigDocker)
        case .bootSettings(let bytes?, _, let basis):
            try AtomicFile.write(ProvisionSettings.path, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak", basis: basis)
        case .bootSettings(nil, _, let basis):
            if let refusal = basis.refusal(current: try FileContents.read(ProvisionSettings.path, on: host), path: host.real(ProvisionSettings.path)) {
                throw refusal
            }
            try host.removeFile(ProvisionSettings.path)
            try host.removeBackup(of: ProvisionSettings.path)
        case .giveBackDaemonJSON(let bytes, let basis):
            if try FileContents.read(HostPaths.daemonJSON, on: host) == bytes { return }
            try AtomicFile.write(HostPaths.daemonJSON, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak", basis: basis)
        case .removeDaemonJSONRecord:
            try host.removeFile(DaemonJSONRecord.path)
        case .deleteImage(_, let file):
            try host.removeFile(request.image, ifStill: file.device, file.inode, what: "the store's image")
        case .deleteLeftover(let leftover, let file):
            try host.removeFile(leftover.path, ifStill: file.device, file.inode, what: leftover.which.what)
        case .forgetFormatRecord(_, let file, _):
            try host.removeFile(FormatRecord.path, ifStill: file.device, file.inode, what: "the format record teardown read")
        case .forgetCheckCaches(let caches):
            for cache in caches {
                try host.removeFile(cache.which.path, ifStill: cache.file.device, cache.file.inode, what: "check's \(cache.which.rawValue) teardown read")
            }
        case .wipeDevice(let path, let uuid):
            // Probed once more under the device's lock (the one udev and libblkid take), right
            // before the wipe.
            let device = try BlockDevice(path: path, lock: true)
            try TeardownStep.refuseMountedStacked(on: path)
            try Self.refuseOpenDevice(path, changed: true)
            try TeardownStep.refuseUnlessStore(path, uuid)
            if case .signature = BlockProbe.probe(path) { try device.wipeSignatures() }
        case .reloadSystemd:
            try Systemd.daemonReload()
        }
    }
}

extension Teardowner {
    /// A dockerd that docker.service's pidfile and socket do not name (started by hand, with its
    /// own --pidfile and --host) but whose data root is on the store, or that holds a database of
    /// it locked (`DockerdProcesses`): its own bind mount inside the store made teardown advise
    /// `umount …/btrfs`, which pulls the storage from under it and its containers (attack 40 S
    /// F1). Refused naming it; --stop-docker stops only the dockerd those name.
    static func refuseUnnamedDockerd(storeUUID: String, at target: String, host: Host) throws {
        let pids: [Int32]
        switch DockerdProcesses.presence(storeUUID: storeUUID, host: host) {
        case .running(let running, _): pids = running
        case .unresolved(let pid, let why):
            // Not known to use the store: said as "may", with why it cannot be told.
            throw DockStoreError.refused("refusing: a process named dockerd (pid \(pid)) may use Docker's storage at \(target): dockstore cannot tell which data root it uses (\(why)), and neither Docker's pidfile nor its socket names it; nothing was changed: stop it if it is a Docker daemon (kill -TERM \(pid), and wait until it has exited), or make its data root readable in its own root (/proc/\(pid)/root), then re-run")
        case .notRunning, .cannotTell: return
        }
        let named = pids.map(String.init).joinedText(", ")
        let one = pids.count == 1
        throw DockStoreError.refused("refusing: \(one ? "a Docker daemon (pid \(named)) uses" : "Docker daemon processes (pids \(named): a dockerd and its containerd) use") Docker's storage at \(target), and neither Docker's pidfile nor its socket names \(one ? "it" : "them"), so --stop-docker cannot stop \(one ? "it" : "them"); nothing was changed: stop \(one ? "it (kill -TERM \(named), and wait until it has exited)" : "the dockerd among them (ps -o pid,comm -p \(pids.map(String.init).joinedText(",")) shows which; kill -TERM it, and wait until all have exited)"), then re-run")
    }
}
