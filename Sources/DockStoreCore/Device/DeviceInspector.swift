/// Reads everything the safe-format decision needs about a device, without writing to it:
/// its kind, size, read-only flag, mounts (of it or its partitions), swap use, holders,
/// whether it carries the root filesystem, and what libblkid and its first and last MiB say.
struct DeviceInspector {
    let sysfs: SysfsBlock
    let host: Host
    /// Whether to ask the kernel with an exclusive open (`BlockDevice.isInUse`) when nothing
    /// seen explains a use: provision and migrate-ebs, which would write to the device, do;
    /// status does not (its open would make a mount at that moment fail with EBUSY).
    var asksKernel = false

    func observe(_ device: ResolvedDevice, mounts: MountTable) throws -> DeviceObservation {
        // Until each is read: not a block device (the planner refuses any other kind before it
        // looks at the rest), no size, nothing known of its content; the rest is read below.
        var observed = DeviceObservation(device: device, kind: .unknown, readOnly: false, size: 0, mountedAt: [],
                                         swap: false, holders: [], rootDisk: nil,
                                         content: .unreadable("not read"), newUUID: RandomUUID.make())
        guard let status = try FileStatus.following(device.path) else {
            throw DockStoreError.refused("device \(device.label) disappeared while dockstore looked at it; check the attachment and re-run")
        }
        observed.kind = status.kind
        guard status.kind == .blockDevice else { return observed }

        let name = sysfs.name(ofDevice: status.rdev) ?? device.name
        let disk = sysfs.disk(of: name)
        if disk != name { observed.partitionOf = disk }
        var family: Set<UInt64> = [status.rdev]
        var names = [name]
        if disk == name {
            for partition in try sysfs.partitions(of: disk) {
                names.append(partition)
                family.insert(try deviceNumber(partition))
            }
        }
        var btrfsMemberOf: String? = nil
        for member in names {
            if let uuid = try BtrfsSysfs.filesystem(withMember: member) { btrfsMemberOf = uuid }
        }
        observed.mountedAt = try mounts.entries.filter { entry in
            if family.contains(entry.device) { return true }
            if entry.source.hasPrefix("/"), let source = try FileStatus.following(entry.source), source.kind == .blockDevice, family.contains(source.rdev) { return true }
            // A btrfs names its mount by the path a member was mounted or scanned by, which may
            // be gone or another device's node since (attack 50 T D2: provision told the admin
            // to unmount the live store): the filesystem mounted there, by its fsid, decides.
            // Only a filesystem of this one device: a member of several is said as a member of the
            // btrfs mounted there (`btrfsMountedAt`). A target that cannot be read so (hidden by a
            // later mount) is not counted here; the device stays a member of a mounted btrfs
            // (`btrfsMemberOf`), which no plan formats.
            guard let btrfsMemberOf, entry.fstype == "btrfs", try BtrfsSysfs.members(uuid: btrfsMemberOf, sysfs: sysfs.root) == [name],
                  case .success(let mounted) = Result(catching: { try BtrfsFilesystem.open(entry.target) }) else { return false }
            return mounted.uuid.lowercased() == btrfsMemberOf.lowercased()
        }.map(\.target)
        observed.swap = try SwapTable.paths().contains { path in
            try FileStatus.following(path).map { family.contains($0.rdev) } ?? false
        }
        observed.holders = try names.flatMap { try sysfs.holders(of: $0) }.map(Self.describeHolder)
        observed.holders += try LoopDevice.loops(overBlockDevices: family, node: status).map { "\($0) (a loop device over it)" }
        // A loop device given as the device: the other loop devices over its file show its bytes
        // (a partition of a disk image through an offset, a second instance of a btrfs on it),
        // and its O_EXCL open does not see them (attack 11, A-9).
        observed.holders += try LoopDevice.sharingFile(with: device.path, sysfs: sysfs.root).map { "\($0.loop) (\($0.relation(to: "it")))" }
        observed.btrfsMemberOf = btrfsMemberOf
        // Only a warning rests on it: a read that fails says so in the warning, and refuses nothing.
        switch Result(catching: { try LoopDevice.backingFile(of: device.path) }) {
        case .success(let backing):
            observed.loopBacking = backing
            if backing != nil, let name = LoopDevice.kernelName(ofNumber: status.rdev) {
                observed.loopBackingInMemory = try MemoryFilesystem.under(loop: "/dev/\(name)", lines: try MountInfoLine.read("/proc/self/mountinfo"))
            }
        case .failure(let error): observed.loopBackingUnreadable = (error as? DockStoreError)?.message ?? "\(error)"
        }
        if let uuid = observed.btrfsMemberOf, observed.mountedAt.isEmpty {
            observed.mountedInOtherNamespaces = try ForeignMounts.find(device: nil, blockDevices: family)
            let members = Set(try BtrfsSysfs.members(uuid: uuid, sysfs: sysfs.root))
            // A btrfs mount's st_dev is an anonymous number: its member is the source the mount
            // table names, a device node.
            observed.btrfsMountedAt = try mounts.entries.filter { entry in
                guard entry.fstype == "btrfs", entry.source.hasPrefix("/"), let source = try FileStatus.following(entry.source),
                      source.kind == .blockDevice else { return false }
                return sysfs.name(ofDevice: source.rdev).map(members.contains) == true
            }.map(\.target)
        }
        if asksKernel, observed.mountedAt.isEmpty, observed.btrfsMemberOf == nil, !observed.swap, observed.holders.isEmpty {
            observed.heldByAnotherProgram = try BlockDevice.isInUse(device.path)
        }
        let rootDisks = Set(try ["/", host.root].map { try diskHolding($0, mounts: mounts) })
        observed.rootDisk = rootDisks.contains(disk) ? disk : nil

        if observed.rootDisk == nil {
            let open = try BlockDevice(path: device.path, lock: false)
            observed.size = try open.size()
            observed.readOnly = try open.isReadOnly()
            observed.content = BlockProbe.probe(device.path)
        }
        return observed
    }

    /// `maj:min` from /sys/class/block/NAME/dev.
    func deviceNumber(_ name: String) throws -> UInt64 {
        let path = "\(sysfs.root)/class/block/\(name)/dev"
        let text = try FileContents.readString(path) ?? ""
        let parts = text.trimmingWhitespace().split(separator: ":").compactMap { UInt64($0) }
        guard parts.count == 2 else {
            throw DockStoreError.failed("cannot read the device number of \(name) from \(path); dockstore cannot tell whether it is in use")
        }
        return makeDevice(parts[0], parts[1])
    }

    /// The whole disk under the filesystem holding `path`: by st_dev, or, for filesystems
    /// with anonymous device numbers (btrfs), by the mount table's source.
    /// nil when the filesystem is not on a block device (tmpfs, overlay, a network share);
    /// an error when it is and dockstore cannot read it.
    func diskHolding(_ path: String, mounts: MountTable) throws -> String? {
        guard let status = try FileStatus.following(path) else {
            throw DockStoreError.failed("cannot tell which disk holds \(path): it does not exist")
        }
        if major(status.device) != 0, let name = sysfs.name(ofDevice: status.device) {
            return sysfs.disk(of: name)
        }
        let containing = mounts.entries.filter { path.sameBytes($0.target) || path.hasBytePrefix($0.target == "/" ? "/" : $0.target + "/") }
            .max(by: { $0.target.count < $1.target.count })
        guard let source = containing?.source, source.hasPrefix("/"),
              let node = try FileStatus.following(source), node.kind == .blockDevice,
              let name = sysfs.name(ofDevice: node.rdev) else { return nil }
        return sysfs.disk(of: name)
    }

    /// A holder in sysfs named with what kind of thing claims the device, as lsblk shows it.
    static func describeHolder(_ name: String) -> String {
        if name.hasPrefix("dm-") { return "\(name) (device-mapper or LVM)" }
        if name.hasPrefix("md") { return "\(name) (software RAID)" }
        if name.hasPrefix("bcache") { return "\(name) (bcache)" }
        return "\(name) (a kernel holder: ls /sys/class/block/\(name))"
    }
}

func makeDevice(_ major: UInt64, _ minor: UInt64) -> UInt64 {
    ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff)
}
