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

    public func observe() throws -> TeardownObservation {
        let dockerdPID = try DockerDaemon.running(host: host)
        let store = StoreObserver(host: host, image: request.image, mountpoint: request.mountpoint, settings: settings).observe(.all)
        var o = try TeardownObservation(store: store, dockerdPID: dockerdPID,
                                        dropIn: try FileContents.read(HostPaths.dockerDropIn, on: host).map(DockerDropIn.ownership(of:)),
                                        sysconfig: try FileContents.read(HostPaths.sysconfigDocker, on: host))
        let mounts = try store.mounts.value()
        let target = store.mountpoint
        try Self.refuseStackedMounts(mounts, at: target)
        if o.storeUUID == nil, let bytes = o.fstab,
           let line = FstabFile(bytes: bytes).entries(mountingAt: request.mountpoint).first?.entry, line.source.hasPrefix("UUID="),
           let node = try BlockProbe.device(withUUID: String(line.source.dropFirst(5))),
           case .signature(_, let uuid, "docker") = BlockProbe.probe(node) {
            o.storeUUID = uuid
            o.deviceLabel = "docker"
            o.device = o.device ?? node
        }
        if let device = o.device, let node = try FileStatus.following(device) {
            o.deviceMountedElsewhere = try mounts.filter { entry in
                guard entry.target != target, entry.source.hasPrefix("/") else { return false }
                return try FileStatus.following(entry.source).map { $0.kind == .blockDevice && $0.rdev == node.rdev } == true
            }.map(\.target)
        }
        return o
    }

    /// Several mounts at the mountpoint (a bind mount over the store, the store mounted twice):
    /// one unmount would take down only the top one and leave the store mounted, so teardown
    /// refuses before it changes anything.
    static func refuseStackedMounts(_ mounts: [MountEntry], at target: String) throws {
        let stacked = mounts.filter { $0.target == target }
        guard stacked.count > 1 else { return }
        throw DockStoreError.refused("refusing: \(stacked.count) filesystems are mounted on top of each other at \(target) (\(stacked.map(\.source).joined(separator: ", "))); teardown unmounts only the store: unmount the others (findmnt \(target)) and re-run")
    }

    static let bootDisabledText = """
        # Left by dockstore teardown: Docker's storage was taken down on purpose.
        # While this file exists, dockstore-provision.service does not run at boot
        # (ConditionPathExists=!/etc/dockstore.disabled) and Docker keeps its data in the
        # plain folder. To set the store up again, run: dockstore provision (it removes this file).

        """

    public func apply(_ steps: [TeardownStep], progress: (TeardownStep) -> Void) throws {
        try StepEngine.apply(steps, in: host, progress: progress) { step in
            switch step {
            case .disableBoot:
                try AtomicFile.write(HostPaths.bootDisabled, on: host, Array(Self.bootDisabledText.utf8), mode: 0o644)
            case .stopDocker(let pid, let viaSystemd):
                try DockerDaemon.stop(pid: pid, viaSystemd: viaSystemd, host: host)
            case .unmount(_, let identity):
                try host.unmount(at: request.mountpoint, expected: identity)
            case .detachLoops(let loops):
                for loop in loops {
                    guard try LoopDevice.status(loop) != nil else { continue }
                    try LoopDevice.detach(loop)
                }
            case .writeFstab(let bytes, _):
                try AtomicFile.write(HostPaths.fstab, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak")
            case .removeDropIn:
                if let now = try FileContents.read(HostPaths.dockerDropIn, on: host),
                   case .foreign(let reason) = DockerDropIn.ownership(of: now) {
                    throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "teardown")
                }
                try host.removeFile(HostPaths.dockerDropIn)
            case .writeSysconfig(let bytes, _):
                try AtomicFile.write(HostPaths.sysconfigDocker, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak")
            case .deleteImage(let path):
                if let status = try FileStatus.of(path) {
                    guard status.kind == .regular else { throw DockStoreError.refused("\(path) is no longer a regular file; not deleting it") }
                    guard try LoopDevice.devices(backing: status).isEmpty else {
                        throw DockStoreError.refused("\(path) is still attached to a loop device; not deleting it")
                    }
                    try host.removeFile(request.image)
                }
            case .wipeDevice(let path, let uuid):
                if try MountTable.read().entries.contains(where: { $0.source == path }) {
                    throw DockStoreError.refused("refusing to wipe \(path): it is mounted")
                }
                let device = try BlockDevice(path: path, lock: true)
                switch BlockProbe.probe(path) {
                case .blank:
                    break
                case .signature(_, let found?, _) where found == uuid:
                    try device.wipeSignatures()
                case let other:
                    throw DockStoreError.refused("refusing to wipe \(path): it now holds \(other.summary), not the store's filesystem \(uuid) that teardown planned to wipe; re-run to look again")
                }
            case .reloadSystemd:
                try Systemd.daemonReload()
            }
        }
    }
}
