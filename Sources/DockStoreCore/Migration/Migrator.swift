import CLinuxShim
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Moves a mounted btrfs store from its loop image onto a device, online: add the device,
/// remove the loop device (btrfs moves every chunk, so subvolumes, snapshots and shared
/// extents stay as they are and the filesystem UUID does not change), grow onto the whole
/// device, switch fstab to `UUID=`, detach, delete the image. A journal under
/// /var/lib/dockstore records that a migration is under way; each step checks its own
/// state, so a re-run after a crash continues.
public struct Migrator: Sendable {
    public let host: Host
    public let mountpoint: HostPath
    public let image: HostPath
    public static let journal = MigrationJournal.path

    public init(host: Host, mountpoint: HostPath, image: HostPath) {
        self.host = host
        self.mountpoint = mountpoint
        self.image = image
    }

    public func observe(_ device: ResolvedDevice) throws -> MigrationObservation {
        let target = ProvisionObserver(host: host).canonicalPath(host.real(mountpoint))
        let mounts = try MountTable.read()
        var o = MigrationObservation(mountpoint: target, mounted: false, fstype: nil, uuid: nil, targetPath: device.path)
        o.journal = try MigrationJournal.read(host: host)
        o.targetVolumeID = device.volumeID?.description
        o.fstab = try FileContents.read(HostPaths.fstab, on: host)
        o.imageExists = try FileStatus.of(host.real(image))?.kind == .regular
        guard let node = try FileStatus.following(device.path), node.kind == .blockDevice else {
            let kind = (try FileStatus.following(device.path))?.kind.rawValue ?? "missing file"
            throw DockStoreError.refused("\(device.label) is a \(kind), not a block device; give the EBS volume's device")
        }
        let blockSize = try BlockDevice(path: device.path, lock: false).size()
        o.targetSize = blockSize
        guard let entry = mounts.mount(at: target) else { return o }
        o.mounted = true
        o.fstype = entry.fstype
        guard entry.fstype == "btrfs" else { return o }
        let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
        let figures = CapacityFigures(btrfs: reading, mountpoint: target, host: nil)
        o.uuid = reading.uuid
        o.members = reading.devices
        o.metadataChunkNeed = figures.metadataChunkNeed
        let deviceNode = try FileStatus.following(device.path)
        for member in reading.devices {
            let node = try FileStatus.following(member.path)
            if node?.rdev == deviceNode?.rdev { o.targetDevid = member.devid }
            let single = BtrfsReading(uuid: reading.uuid, spaces: [], devices: [member])
            if let backing = CapacityProbe.hostBacking(single, sysfs: "/sys"), backing.image == host.real(image) {
                o.loopMember = member
                o.image = backing
            }
        }
        o.exclusiveOperation = (try? FileContents.readString("/sys/fs/btrfs/\(reading.uuid)/exclusive_operation")).flatMap { $0 }?
            .trimmingWhitespace() ?? "none"
        do {
            o.replace = try BtrfsDeviceReplace.status(at: target)
        } catch let error as DockStoreError where error.code == ENOTTY || error.code == EOPNOTSUPP || error.code == EINVAL {
            o.replace = nil
            o.replaceRefused = error.message
        }
        if o.replaceOngoing, let replaceTarget = try BtrfsDeviceReplace.target(at: target) {
            o.replaceTarget = replaceTarget
            o.targetIsReplaceTarget = try FileStatus.following(replaceTarget.path)?.rdev == deviceNode?.rdev
        }
        if let loop = o.loopMember { o.loopDeviceSize = try BlockDevice(path: loop.path, lock: false).size() }
        if o.targetDevid == nil && !o.targetIsReplaceTarget {
            o.target = try DeviceInspector(sysfs: SysfsBlock(), host: host).observe(device, mounts: mounts)
        }
        if o.target != nil, !o.replaceOngoing { o.targetIsStaleReplaceTarget = try isStaleReplaceTarget(device.path, uuid: reading.uuid) }
        o.targetBackedByStore = try LoopBacking.isOnBtrfs(loop: device.path, uuid: reading.uuid, mountpoint: target)
        return o
    }

    /// Runs the steps; `progress` gets each finished step, `moving` the bytes still on the
    /// loop device (remove) or the kernel's thousandths (replace) every `interval` seconds.
    public func apply(_ steps: [MigrationStep], interval: Double = 2, progress: (MigrationStep) -> Void,
                      moving: @escaping @Sendable (MoveProgress) -> Void) throws {
        let target = ProvisionObserver(host: host).canonicalPath(host.real(mountpoint))
        try StepEngine.apply(steps, in: host, progress: progress) { step in
            try recordPhase(of: step)
            switch step {
            case .begin(let journal):
                try host.makeFolders(Self.journal.parent)
                try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
            case .shrink(let devid, _, _, let size):
                try shrink(devid, to: size, at: target)
            case .replace(let devid, _, let path, _):
                try replace(devid, with: path, at: target, interval: interval, moving: moving)
            case .cancelReplace:
                try cancelReplace(at: target)
            case .growImage(let devid, _):
                try BtrfsFilesystem.resize(devid, to: nil, at: target)
            case .addDevice(let path):
                let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
                let node = try FileStatus.following(path)
                let member = try reading.devices.contains { try FileStatus.following($0.path)?.rdev == node?.rdev }
                if !member {
                    guard BlockProbe.probe(path) == .blank else {
                        throw DockStoreError.refused("refusing: \(path) is no longer blank; re-run to look again")
                    }
                    try withStore(target) { fd in
                        try Syscall.checkBtrfs("cannot add \(path) to the btrfs at", target) { ds_btrfs_add_device(fd, path) }
                    }
                }
            case .removeLoop(let devid, _, let bytes), .removeDevice(let devid, _, let bytes):
                let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
                guard reading.devices.contains(where: { $0.devid == devid }) else { break }
                let done = Flag()
                let watcher = DispatchQueue(label: "dockstore.migration.progress")
                watcher.async {
                    while !done.value {
                        let left = (try? CapacityProbe.readBtrfs(target, sysfs: "/sys"))?.devices.first { $0.devid == devid }?.used
                        if let left { moving(.bytes(left: left, total: bytes)) }
                        var slept = 0.0
                        while slept < interval, !done.value { usleep(100_000); slept += 0.1 }
                    }
                }
                defer { done.set() ; watcher.sync {} }
                try BtrfsFilesystem.removeDevice(devid, at: target)
                moving(.bytes(left: 0, total: bytes))
            case .resize(let path):
                let reading = try CapacityProbe.readBtrfs(target, sysfs: "/sys")
                let node = try FileStatus.following(path)
                guard let member = try reading.devices.first(where: { try FileStatus.following($0.path)?.rdev == node?.rdev }) else {
                    throw DockStoreError.failed("\(path) is not part of the btrfs at \(target); re-run migrate-ebs")
                }
                try BtrfsFilesystem.resize(member.devid, to: nil, at: target)
            case .writeFstab(let bytes, _):
                try AtomicFile.write(HostPaths.fstab, on: host, bytes, mode: 0o644, backupSuffix: ".dockstore.bak")
            case .detachLoop(let path):
                if let loop = try LoopDevice.status(path), let imageStatus = try FileStatus.of(host.real(image)),
                   loop.backingInode == imageStatus.inode, loop.backingDevice == imageStatus.device {
                    let fd = try Syscall.check("cannot open", path) { open(path, O_RDONLY | O_CLOEXEC) }
                    defer { close(fd) }
                    if case .failure(let code) = Syscall.attempt({ ds_loop_clear(fd) }), code != ENXIO {
                        throw DockStoreError.system("cannot detach", path, errno: code)
                    }
                }
            case .deleteImage(let path):
                if let status = try FileStatus.of(path) {
                    guard try LoopDevice.devices(backing: status).isEmpty else {
                        throw DockStoreError.refused("\(path) is still attached to a loop device; not deleting it")
                    }
                    try host.removeFile(image)
                }
            case .finish:
                try host.removeFile(Self.journal)
            }
        }
    }

    /// Rewrites a journal from before identities were recorded with the store's filesystem
    /// UUID and the device's volume id, so boot and resume stop depending on its name. Only
    /// for the device the journal names that is a member of the store now.
    public func upgradeJournal(_ o: MigrationObservation, device: ResolvedDevice) throws {
        guard var journal = o.journal, journal.filesystemUUID == nil, let uuid = o.uuid,
              o.targetDevid != nil, o.targetDevid != o.loopMember?.devid else { return }
        journal.filesystemUUID = uuid
        journal.volumeID = journal.volumeID ?? device.volumeID?.description
        try AtomicFile.write(Self.journal, on: host, try journal.encoded(), mode: 0o600)
    }

    private func withStore(_ target: String, _ body: (Int32) throws -> Void) throws {
        let fd = try Syscall.check("cannot open", target) { open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try body(fd)
    }
}

/// A flag one thread sets and another reads.
final class Flag: @unchecked Sendable {
    private var raised = false
    private let lock = NSLockLite()
    var value: Bool { lock.locked { raised } }
    func set() { lock.locked { raised = true } }
}

/// A pthread mutex, without Foundation.
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
