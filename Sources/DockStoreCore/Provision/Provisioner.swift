/// Runs a provision plan. Every step checks its own precondition again, so a run that
/// was killed between two steps is finished by the next one.
public struct Provisioner: Sendable {
    public let host: Host
    public let request: ProvisionRequest
    /// /etc/sysconfig/dockstore as this run read it (`StorePaths`); the observation carries it.
    public let settings: StoreFact<ProvisionSettings>

    public init(host: Host, request: ProvisionRequest, settings: StoreFact<ProvisionSettings>) {
        self.host = host
        self.request = request
        self.settings = settings
    }

    /// Where a new image is built before it is renamed onto the image's name.
    public var unfinishedImage: UnfinishedImage { UnfinishedImage(host: host, image: request.image) }

    public func observe() throws -> ProvisionObservation {
        try ProvisionObserver(host: host).observe(request, settings: settings)
    }

    /// Observes until nothing is in the middle of mounting the store: systemd running a job
    /// of its mount unit, or the image's filesystem or a loop device over it on its way to
    /// the mountpoint. "Busy" means look again, never decide on a half-done mount.
    public func observeSettled(timeout: Double = 30, loopSettle: Double = 2) throws -> ProvisionObservation {
        let start = MonotonicClock.seconds()
        var observed = try observe()
        while let wait = Self.settling(observed, request) {
            let elapsed = MonotonicClock.seconds() - start
            if elapsed >= (wait == .loopOnly ? loopSettle : timeout) { break }
            MonotonicClock.sleep(0.05)
            observed = try observe()
        }
        return observed
    }

    enum Settling: Equatable {
        /// systemd's mount job runs, or the image's filesystem is open but not yet at the mountpoint.
        case mounting
        /// Only an unmounted loop device over the image: a mount may be about to use it, or it is a leftover.
        case loopOnly
    }

    static func settling(_ observed: ProvisionObservation, _ request: ProvisionRequest) -> Settling? {
        if observed.mountUnit?.isChanging == true { return .mounting }
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

    /// Applies the steps in order, calling `progress` after each with its description.
    public func apply(_ plan: ProvisionPlan, progress: (ProvisionStep) -> Void) throws {
        try StepEngine.apply(plan.steps, in: self, progress: progress) { step in
            do {
                try run(step)
            } catch {
                throw undoNewImage(after: error, at: step, of: plan)
            }
        }
    }

    func run(_ step: ProvisionStep) throws {
        let image = host.real(request.image)
        let mountpoint = host.real(request.mountpoint)
        switch step {
        case .removeUnfinishedImage(let device, let inode):
            try unfinishedImage.remove(device: device, inode: inode)
        case .allocateImage(let size, let thick, let existing):
            guard existing else {
                try ImageFile.allocate(unfinishedImage.path, on: host, size: size, thick: thick, exclusive: true)
                return
            }
            guard BlockProbe.probe(image) == .blank else {
                throw DockStoreError.refused("\(image) changed while dockstore looked at it and is no longer blank; re-run to look again")
            }
            try ImageFile.allocate(request.image, on: host, size: size, thick: thick)
        case .format(let label, let uuid, let newImage):
            let target = newImage ? host.real(unfinishedImage.path) : image
            switch BlockProbe.probe(target) {
            case .signature(let type, _, _) where type == "btrfs":
                return
            case .blank:
                var arguments = ["-q", "-L", label, "-U", uuid]
                if request.thick { arguments.append("--nodiscard") }
                let result = try Subprocess.run("mkfs.btrfs", arguments + [target], package: "btrfs-progs")
                guard result.status == 0 else {
                    throw DockStoreError.failed("mkfs.btrfs \(target) failed: \(result.reason)")
                }
            case let other:
                throw DockStoreError.refused("\(target) holds \(other.summary); dockstore will not format it")
            }
        case .installImage(let uuid):
            try unfinishedImage.install(uuid: uuid, label: request.label)
        case .createMountpoint:
            if try !PathCalls.makeFolder(mountpoint) {
                guard try FileStatus.of(mountpoint)?.kind == .directory else {
                    throw DockStoreError.refused("\(mountpoint) appeared and is not a folder")
                }
            }
        case .formatDevice(let filesystem, let uuid, let wipe):
            try formatDevice(filesystem, uuid: uuid, wipe: wipe)
        case .mount(let source, let fstype, let options):
            try StoreMounter(provisioner: self).mount(source: source, fstype: fstype, options: options)
        case .writeFstab(let bytes, _):
            // The preflight counted on the folder being made, as for every other file.
            try host.makeFolders(HostPaths.fstab.parent)
            try write(bytes, to: HostPaths.fstab, mode: 0o644, backup: true)
        case .writeDropIn(let text, _):
            try host.makeFolders(HostPaths.dockerDropIn.parent)
            if let now = try FileContents.read(HostPaths.dockerDropIn, on: host),
               case .foreign(let reason) = DockerDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "provision")
            }
            try write(Array(text.utf8), to: HostPaths.dockerDropIn, mode: 0o644, backup: false)
        case .writeDaemonJSON(let bytes, _):
            try write(bytes, to: HostPaths.daemonJSON, mode: 0o644, backup: true)
        case .writeSysconfig(let bytes, _):
            try host.makeFolders(HostPaths.sysconfigDocker.parent)
            try write(bytes, to: HostPaths.sysconfigDocker, mode: 0o644, backup: true)
        case .enableBoot:
            try host.removeFile(HostPaths.bootDisabled)
        case .reloadSystemd:
            try Systemd.daemonReload()
        }
    }

    /// Formats the device while holding an exclusive flock on it, after probing it again
    /// under that lock: what was planned must still be true.
    private func formatDevice(_ filesystem: DeviceFilesystem, uuid: String, wipe: Bool) throws {
        guard let deviceRequest = request.device,
              let device = try DeviceResolver().resolve(deviceRequest.spec) else {
            throw DockStoreError.refused("the device \(request.device?.spec.description ?? "?") is gone; check the attachment and re-run")
        }
        let locked = try BlockDevice(path: device.path, lock: true)
        try BlockDevice.checkNotInUse(device.path)
        guard let rdev = try FileStatus.following(device.path)?.rdev, let name = SysfsBlock().name(ofDevice: rdev) else {
            throw DockStoreError.failed("cannot find \(device.path) in /sys/dev/block; dockstore cannot tell whether it is in use")
        }
        if let uuid = try BtrfsSysfs.filesystem(withMember: name) {
            throw DockStoreError.refused("refusing: \(device.label) is a member of the mounted btrfs \(uuid); dockstore never formats it")
        }
        let content = BlockProbe.probe(device.path)
        switch content {
        case .signature(let type, _, let label) where type == filesystem.rawValue && label == request.label:
            return
        case .blank:
            break
        case .signature, .partitionTable, .unrecognizedData:
            guard wipe else {
                throw DockStoreError.refused("refusing: \(device.label) now holds \(content.summary); it was blank when dockstore looked; re-run to look again")
            }
            if !deviceRequest.force {
                // Planned without --force only for a canceled replace's target: still exactly that, now.
                guard content == .unrecognizedData,
                      try CanceledReplaceTarget.recognizing(device.path, volumeID: device.volumeID?.description, storeUUID: nil, host: host) != nil else {
                    throw DockStoreError.refused("refusing: \(device.label) now holds \(content.summary), no longer the partial copy a canceled migrate-ebs replace left; re-run to look again")
                }
            }
            try locked.wipeSignatures()
        case .ambivalent, .unreadable:
            throw DockStoreError.refused("refusing: \(device.label) is \(content.summary)")
        }
        let (tool, arguments) = filesystem.mkfs(device: device.path, label: request.label, uuid: uuid, force: wipe)
        let result = try Subprocess.run(tool, arguments, package: filesystem.package)
        guard result.status == 0 else {
            throw DockStoreError.failed("\(tool) \(device.path) failed: \(result.reason)")
        }
        withExtendedLifetime(locked) {}
    }

    private func write(_ bytes: [UInt8], to path: HostPath, mode: UInt32, backup: Bool) throws {
        if try FileContents.read(path, on: host) == bytes { return }
        try AtomicFile.write(path, on: host, bytes, mode: mode, backupSuffix: backup ? ".dockstore.bak" : nil)
    }
}
