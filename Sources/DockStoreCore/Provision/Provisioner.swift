/// Runs a provision plan. Every step checks its own precondition again, so a run that
/// was killed between two steps is finished by the next one.
public struct Provisioner: Sendable {
    public let host: Host
    public let request: ProvisionRequest
    /// /etc/sysconfig/dockstore as this run read it (`StorePaths`); the observation carries it.
    public let settings: StoreFact<ProvisionSettings>
    /// The device's lock (`DeviceClaim`), held by the run from before it looks at the device
    /// until it ends; the format takes it itself when the run holds none.
    public let claim: DeviceClaim?

    public init(host: Host, request: ProvisionRequest, settings: StoreFact<ProvisionSettings>, claim: DeviceClaim? = nil) {
        self.host = host
        self.request = request
        self.settings = settings
        self.claim = claim
    }

    /// Where a new image is built before it is renamed onto the image's name.
    public var unfinishedImage: UnfinishedImage { UnfinishedImage(host: host, image: request.image) }

    public func observe() throws -> ProvisionObservation {
        try ProvisionObserver(host: host, asksKernel: true).observe(request, settings: settings)
    }

    /// Observes until nothing is in the middle of mounting the store: systemd running a job
    /// of its mount unit, or the image's filesystem or a loop device over it on its way to
    /// the mountpoint. "Busy" means look again, never decide on a half-done mount.
    public func observeSettled(timeout: Double = 30, loopSettle: Double = 2) throws -> ProvisionObservation {
        let start = MonotonicClock.seconds()
        var observed = try observeSteady(until: start + timeout)
        while let wait = Self.settling(observed, request) {
            let elapsed = MonotonicClock.seconds() - start
            if elapsed >= (wait == .loopOnly ? loopSettle : timeout) { break }
            MonotonicClock.sleep(0.05)
            observed = try observeSteady(until: start + timeout)
        }
        return observed
    }

    /// One observation, made again when it failed while the mount table changed
    /// (`MountTableChange.steady`), until `deadline`.
    func observeSteady(until deadline: Double) throws -> ProvisionObservation {
        try MountTableChange.steady(until: deadline) { try observe() }
    }

    enum Settling: Equatable {
        /// systemd's mount job runs, or the image's filesystem is open but not yet at the mountpoint.
        case mounting
        /// Only an unmounted loop device over the image: a mount may be about to use it, or it is a leftover.
        case loopOnly
    }

    static func settling(_ observed: ProvisionObservation, _ request: ProvisionRequest) -> Settling? {
        if observed.mountUnit?.isChanging == true || observed.mountAppeared { return .mounting }
        if case .mounted = observed.mountpoint { return nil }
        guard request.device == nil else { return nil }
        if observed.imageFilesystemOpen && observed.imageMountedAt.isEmpty { return .mounting }
        if !observed.imageLoops.isEmpty && observed.imageMountedAt.isEmpty { return .loopOnly }
        return nil
    }

    public func plan(_ observed: ProvisionObservation) throws -> ProvisionPlan {
        try ProvisionPlanner.plan(observed, request, host)
    }

    /// The plan's write preflight (`StepEngine.preflight`): every folder and file its steps
    /// write, checked before anything changes; `apply` runs it again right before the first step.
    public func preflight(_ plan: ProvisionPlan) throws {
        try StepEngine.preflight(plan.steps, in: self)
    }

    /// Applies the steps in order, calling `progress` after each with its description; the
    /// run's debris `sweep` goes right before the first step acts (`StepEngine`).
    public func apply(_ plan: ProvisionPlan, sweeping sweep: DebrisSweep?, progress: (ProvisionStep) -> Void) throws {
        try StepEngine.apply(plan.steps, in: self, sweeping: sweep, progress: progress) { step in
            do {
                try run(step)
            } catch {
                if case .mount = step { throw undoAfterMountFailure(error, of: plan) }
                throw undoNewImage(after: error, at: step, of: plan)
            }
        }
    }

    func run(_ step: ProvisionStep) throws {
        let mountpoint = host.real(request.mountpoint)
        switch step {
        case .recordFolders(let folders, let basis):
            try recordFolders(folders, basis: basis)
        case .removeUnfinishedImage(let device, let inode, _):
            try unfinishedImage.remove(device: device, inode: inode)
        case .allocateImage(let size, let thick, let existing):
            guard existing else {
                try ImageFile.allocate(unfinishedImage.path, on: host, size: size, thick: thick, exclusive: true)
                return
            }
            try ImageFile.allocate(request.image, on: host, size: size, thick: thick)
        case .format(let label, let uuid, let newImage):
            try refuseImageWithOtherNames(newImage: newImage)
            let target = formatTarget(newImage: newImage)
            // Decided again on what is there now: the re-check refused anything but blank or
            // this btrfs, and mkfs.btrfs without -f refuses a signature that lands after it.
            guard try FormatRecheck.image(BlockProbe.probe(target), uuid: uuid, image: target) == .format else { return }
            var arguments = ["-q", "-L", label, "-U", uuid]
            if request.thick { arguments.append("--nodiscard") }
            let result = try Subprocess.run("mkfs.btrfs", arguments + [target], package: "btrfs-progs")
            guard result.status == 0 else {
                throw DockStoreError.failed("mkfs.btrfs \(target) failed: \(result.reason)")
            }
        case .installImage(let uuid):
            try unfinishedImage.install(uuid: uuid, label: request.label)
        case .createMountpoint:
            if try !PathCalls.makeFolder(mountpoint) {
                guard try FileStatus.of(mountpoint)?.kind == .directory else {
                    throw DockStoreError.refused("\(mountpoint) appeared and is not a folder")
                }
            }
        case .recordFormat(let record, _):
            try writeFormatRecord(record)
        case .forgetFormat:
            try host.removeFile(FormatRecord.path)
        case .formatDevice(let filesystem, let uuid, let wipe, let volumeID):
            try formatDevice(filesystem, uuid: uuid, wipe: wipe, volumeID: volumeID)
        case .mount(let source, let fstype, let options):
            try StoreMounter(provisioner: self).mount(source: source, fstype: fstype, options: options)
        case .writeFstab(let bytes, _, let basis):
            // The preflight counted on the folder being made, as for every other file.
            try host.makeFolders(HostPaths.fstab.parent)
            try write(bytes, to: HostPaths.fstab, mode: 0o644, backup: true, basis: basis)
        case .writeDropIn(let text, _, let basis):
            try host.makeFolders(HostPaths.dockerDropIn.parent)
            if let now = try FileContents.read(HostPaths.dockerDropIn, on: host),
               case .foreign(let reason) = DockerDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "provision")
            }
            try write(Array(text.utf8), to: HostPaths.dockerDropIn, mode: 0o644, backup: false, basis: basis)
        case .writeMountDropIn(let mountDropIn, let text, _, let basis):
            // A write goes to the drop-in of the unit the mountpoint resolves to now; a removal
            // (of dockstore's own, by ownership below) needs no such check (`StaleMountDropIn`).
            let resolved = host.unitPath(request.mountpoint)
            guard text == nil || MountDropIn.path(unitPath: resolved) == mountDropIn else {
                throw DockStoreError.refused("\(host.root == "/" ? "" : "in \(host.root), ")\(request.mountpoint.string) resolves to \(ShownBytes.text(resolved.string)) now, so systemd mounts it as \(MountUnitName.of(resolved)), not as \(MountDropIn.unit(ofPath: mountDropIn)), whose drop-in \(host.real(mountDropIn)) this provision planned: a link on its path was changed while provision ran; the steps before this one are done, the drop-in was not written: point the link back and run dockstore provision again")
            }
            let now = try FileContents.read(mountDropIn, on: host)
            if let now, case .foreign(let reason) = MountDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: host.real(mountDropIn), command: "provision")
            }
            guard let text else {
                if now == nil { return }
                if let refusal = basis.refusal(current: now, path: host.real(mountDropIn)) { throw refusal }
                try host.removeFile(mountDropIn)
                return
            }
            try host.makeFolders(mountDropIn.parent)
            try write(Array(text.utf8), to: mountDropIn, mode: 0o644, backup: false, basis: basis)
        case .writeDaemonJSON(let bytes, _, let basis):
            // Write-ahead (`DaemonJSONRecord`): the file as the plan read it is recorded
            // before it changes, and only while it still is that file.
            let current = try FileContents.read(HostPaths.daemonJSON, on: host)
            if current == bytes { return }
            if let refusal = basis.refusal(current: current, path: host.real(HostPaths.daemonJSON)) { throw refusal }
            if let original = basis.bytes {
                try host.makeFolders(DaemonJSONRecord.path.parent)
                try AtomicFile.write(DaemonJSONRecord.path, on: host, original, mode: 0o600)
            }
            try write(bytes, to: HostPaths.daemonJSON, mode: 0o644, backup: true, basis: basis)
        case .writeSysconfig(let bytes, _, let basis):
            try host.makeFolders(HostPaths.sysconfigDocker.parent)
            try write(bytes, to: HostPaths.sysconfigDocker, mode: 0o644, backup: true, basis: basis)
        case .writeBootSettings(let bytes, _, let basis):
            try host.makeFolders(ProvisionSettings.path.parent)
            try write(bytes, to: ProvisionSettings.path, mode: 0o644, backup: true, basis: basis)
        case .enableBoot:
            try host.removeFile(HostPaths.bootDisabled)
        case .reloadSystemd:
            try Systemd.daemonReload()
        case .startDocker:
            try SystemdService.startWithoutWaiting("docker.service")
        }
    }

    /// Formats the device while holding the device's lock (`DeviceClaim`: the run's own, else
    /// an exclusive flock taken here, as systemd-makefs does, so udev and a second dockstore keep away). The step's `recheck` checked the device is the
    /// planned one, unused (O_EXCL) and no btrfs member. Two checks stay here because they
    /// are atomic with the write: what the device holds is decided again under the lock, and
    /// the wipe writes through an O_EXCL descriptor (mkfs opens the device exclusively itself),
    /// so a mount that lands after the re-check fails the write with EBUSY instead of losing data.
    private func formatDevice(_ filesystem: DeviceFilesystem, uuid: String, wipe: Bool, volumeID: EBSVolumeID?) throws {
        let device = try plannedDevice(volumeID: volumeID)
        let held = try claim?.covers(device.path) == true
        let locked = try BlockDevice(path: device.path, lock: !held)
        switch try FormatRecheck.device(BlockProbe.probe(device.path), filesystem: filesystem, label: request.label, uuid: uuid,
                                        wipe: wipe, forced: request.device?.force == true, device: device.label,
                                        isCanceledTarget: { try isCanceledTarget(device) },
                                        isRecordedFormat: { try isRecordedFormat(device, uuid: uuid) }) {
        case .done: return
        case .format: break
        case .wipeThenFormat: try locked.wipeSignatures()
        }
        let (tool, arguments) = filesystem.mkfs(device: device.path, label: request.label, uuid: uuid, force: wipe)
        let result = try Subprocess.run(tool, arguments, package: filesystem.package)
        guard result.status == 0 else {
            throw DockStoreError.failed("\(tool) \(device.path) failed: \(result.reason)")
        }
        withExtendedLifetime(locked) {}
    }

    func write(_ bytes: [UInt8], to path: HostPath, mode: UInt32, backup: Bool, basis: FileBasis) throws {
        if try FileContents.read(path, on: host) == bytes { return }
        try AtomicFile.write(path, on: host, bytes, mode: mode, backupSuffix: backup ? ".dockstore.bak" : nil, basis: basis)
    }
}
