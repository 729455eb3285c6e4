/// What each destructive teardown step checks again right before it acts (`StepEngine` runs
/// its pause point, then `recheck`, then the action): the plan was made from an earlier look,
/// and a refusal here comes before the step changes anything. What can be checked atomically
/// stays in the action: the unmount by the mountpoint's descriptor (`Host.unmount(at:expected:)`),
/// the image's removal below its folder's descriptor while it is still the same file
/// (`Host.removeFile(_:ifStill:_:what:)`), the probe under the device's lock right before the wipe.
extension TeardownStep {
    public func recheck(_ teardowner: Teardowner) throws {
        let host = teardowner.host
        switch self {
        case .unmount(_, let identity):
            try Self.recheckUnmount(host, teardowner.request.mountpoint, identity)
        case .deleteImage(let path, let file):
            guard let status = try host.statusInRoot(teardowner.request.image) else {
                throw DockStoreError.refused("\(path) is gone since teardown looked at it (moved, or its folder replaced); nothing was deleted: look for it and re-run")
            }
            guard status.kind == .regular else {
                throw DockStoreError.refused("\(path) is no longer a regular file (it is a \(status.kind.rawValue)); not deleting it: look at it and re-run")
            }
            guard FileIdentity(status) == file else {
                throw DockStoreError.refused("\(path) is another file than the image teardown looked at (it was replaced); not deleting it: look at it and re-run")
            }
            if let refusal = TeardownPlanner.notStoreImage(BlockProbe.probe(path), path: path) { throw refusal }
            if let loop = try LoopDevice.devices(backing: status).first {
                throw try Self.stillAttached(path, loop.path)
            }
        case .deleteLeftover(let leftover, let file):
            try Self.recheckLeftover(host, leftover, file)
        case .forgetFormatRecord(_, let file, _):
            try Self.recheckFormatRecord(host, file)
        case .forgetCheckCaches(let caches):
            try Self.recheckCheckCaches(host, caches)
        case .wipeDevice(let path, let uuid):
            if let mount = try MountTable.read().entries.first(where: { $0.source == path }) {
                // The wipe comes before the fstab write: fstab still names the store, so a
                // re-run finds the device again and finishes.
                throw DockStoreError.refused("refusing to wipe \(path): it is mounted at \(mount.target) again; nothing was wiped, and fstab still names it: if wiping it is still what you want, unmount it and re-run teardown --wipe-device (or run teardown without it to keep its data)")
            }
            try Self.refuseMountedStacked(on: path)
            try Self.refuseUnlessStore(path, uuid)
        case .removeDropIn:
            guard let now = try FileContents.read(HostPaths.dockerDropIn, on: host) else { return }
            if case .foreign(let reason) = DockerDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: host.real(HostPaths.dockerDropIn), command: "teardown")
            }
            if let other = try teardowner.otherConfiguredStore(dropIn: now) {
                throw DockStoreError.refused("\(host.real(HostPaths.dockerDropIn)) names the store at \(host.real(other)) now, not the one at \(host.real(teardowner.request.mountpoint)) this teardown takes down (it was rewritten since teardown looked); not removing it: re-run")
            }
        case .removeMountDropIn(let path):
            guard let now = try FileContents.read(path, on: host) else { return }
            if case .foreign(let reason) = MountDropIn.ownership(of: now) {
                throw DockerDropIn.refusal(reason, path: host.real(path), command: "teardown")
            }
        case .removeSysconfig:
            guard let now = try FileContents.read(HostPaths.sysconfigDocker, on: host) else { return }
            var file = try SysconfigFile(path: host.real(HostPaths.sysconfigDocker), bytes: now)
            _ = try file.removeDockstoreStorage(dataRoot: teardowner.request.mountpoint == HostPaths.defaultMountpoint ? nil : teardowner.request.mountpoint.string)
            guard file.bytes == SysconfigFile.createdByDockstore else {
                throw DockStoreError.refused("\(host.real(HostPaths.sysconfigDocker)) changed since teardown looked at it (it holds more than dockstore put there now); not removing it: re-run")
            }
        case .stopDocker, .detachLoops, .disableBoot, .writeFstab, .removeFstab, .writeSysconfig, .removeFolders, .reloadSystemd,
             .giveBackDaemonJSON, .removeDaemonJSONRecord, .bootSettings:
            break
        }
    }

    /// The store is still what is mounted at the mountpoint, alone: nothing stacked on it (one
    /// unmount would take down only the top mount and leave the store mounted) and the same
    /// filesystem the plan saw. Nothing mounted there any more is fine (a re-run).
    static func recheckUnmount(_ host: Host, _ mountpoint: HostPath, _ identity: MountedIdentity) throws {
        let shown = host.real(mountpoint)
        let mounts = try MountTable.read()
        try Teardowner.refuseStackedMounts(mounts.entries, at: shown)
        guard let found = try host.mountedIdentity(at: mountpoint) else { return }
        guard identity.matches(found, tableDevice: { mounts.mount(at: shown)?.device }) else {
            throw DockStoreError.refused("refusing to unmount \(shown): \(found.foundDescription) is mounted there now, not \(identity), which this run planned to unmount (it was mounted there since); nothing was unmounted: look with findmnt \(shown.shellWord) and re-run")
        }
        if let store = mounts.mount(at: shown) {
            try Teardowner.refuseMountsHere(mounts.entries, store: store, at: shown, dockerdRuns: false, changed: true)
        }
        try Teardowner.refuseForeignMounts(device: mounts.mount(at: shown)?.device, mountpoint: shown, changed: true)
    }

    /// `path` still holds the filesystem `uuid` the plan proved to be the store, or nothing.
    static func refuseUnlessStore(_ path: String, _ uuid: String) throws {
        switch BlockProbe.probe(path) {
        case .blank, .signature(_, uuid?, _): return
        case let other:
            throw DockStoreError.refused("refusing to wipe \(path): it now holds \(other.summary), not the store's filesystem \(uuid) that teardown planned to wipe; nothing was wiped: re-run to look again")
        }
    }
}
