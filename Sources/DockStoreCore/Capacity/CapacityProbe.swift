/// Reads the capacity figures of the store mounted at a mountpoint straight from the
/// kernel — the btrfs ioctls, /sys/fs/btrfs, statfs, stat, the loop device's sysfs entry —
/// spawning nothing and taking no lock, so monitoring can call it every minute, also
/// without root and during a migration.
public enum CapacityProbe {
    /// What a store can be: dockstore makes btrfs; xfs and ext4 are the data roots of Docker's
    /// overlay2 that check also judges. Anything else at the mountpoint (tmpfs, overlay, nfs)
    /// is not Docker's store, and check says so (UNKNOWN, as for nothing mounted there).
    public static let storeFilesystems: Set<String> = ["btrfs", "xfs", "ext4"]

    public static func read(mountpoint: String, sysfs: String = "/sys") throws -> CapacityFigures {
        try read(StoreObserver.kernelView(mountpoint: mountpoint, sysfs: sysfs), sysfs: sysfs)
    }

    /// The figures of the store an observation saw (`check` asks `StoreObserver.kernelView`),
    /// plus what only capacity reads: statvfs, the image behind a loop member, sysfs counters.
    /// A fact the observation could not read refuses with its reason.
    public static func read(_ store: StoreObservation, sysfs: String = "/sys") throws -> CapacityFigures {
        let mountpoint = store.mountpoint
        guard let fstype = try store.mountedType.value() else {
            throw DockStoreError.refused("nothing is mounted at \(mountpoint): Docker's storage is not there")
        }
        // One read of mountinfo for what is mounted around the store; unreadable, each says so.
        let mountinfo = Result { try MountInfoLine.read("/proc/self/mountinfo") }
        if case .success(let lines) = mountinfo, let hidden = try HiddenMount.find(at: mountpoint, lines: lines) {
            // What the path reaches is not the store (attack 44 O 1g: another root's store, through a recursive bind).
            throw DockStoreError.refused("nothing of the store is reachable at \(mountpoint): \(hidden.described); \(hidden.remedy(then: "run dockstore check again"))")
        }
        let space = try HostSpace.of(mountpoint)
        var figures: CapacityFigures
        if fstype == "btrfs" {
            guard let btrfs = try store.btrfs.value() else {
                throw DockStoreError.failed("the btrfs at \(mountpoint) was not read: dockstore cannot tell its figures")
            }
            let reading = btrfs.reading
            figures = CapacityFigures(btrfs: reading, mountpoint: mountpoint, host: nil)
            figures.host = hostBacking(reading, sysfs: sysfs, root: store.root, image: store.configuredImage.known ?? nil, into: &figures.condition)
            readForeignLoop(store, into: &figures.condition)
            readMovedImage(reading, configured: store.configuredImage, journal: store.migrationJournal, root: store.root, sysfs: sysfs, into: &figures.condition)
            readUnbootedMembers(reading, configured: store.configuredImage, sysfs: sysfs, into: &figures.condition)
            readVolatileMembers(reading, configured: store.configuredImage, mountinfo: mountinfo, sysfs: sysfs, into: &figures.condition)
            readNodelessMembers(reading, sysfs: sysfs, into: &figures.condition)
            readCopies(reading, into: &figures.condition)
            readOpenMigration(reading, journal: store.migrationJournal, configured: store.configuredImage, root: store.root, into: &figures.condition)
            figures.condition.root = reading.root
            if let why = reading.rootUnreadable {
                figures.condition.unreadable.append("cannot tell whether Docker can write at \(mountpoint) (the subvolume mounted there, its read-only flag, the data root's attributes): \(why)")
            }
            readStackedLoops(reading, sysfs: sysfs, into: &figures.condition)
            readSameFilesystemInstances(reading, sysfs: sysfs, into: &figures.condition)
            try readExclusiveOperation(uuid: reading.uuid, sysfs: sysfs, into: &figures.condition)
            for device in reading.devices where device.errorsUnreadable != nil {
                figures.condition.unreadable.append(device.errorsUnreadable ?? "")
            }
            for device in reading.devices {
                if let why = device.deviceBytesUnreadable { figures.condition.unreadable.append(why) }
            }
            readQuota(reading, mountpoint: mountpoint, sysfs: sysfs, into: &figures)
        } else {
            figures = CapacityFigures(filesystem: fstype, mountpoint: mountpoint, total: space.total,
                                      available: space.available, used: space.total - space.free)
            if space.files > 0 { figures.inodes = InodeFigures(total: space.files, free: space.filesFree) }
        }
        readMountedOver(mountpoint, mountinfo: mountinfo, configured: store.configuredImage, into: &figures.condition)
        if figures.condition.mountedOver == nil {
            do {
                figures.condition.dataRootFolders = try DataRootFolderObstacle.find(mountpoint: mountpoint, isRoot: CurrentProcess.isRoot, lines: try mountinfo.get())
            } catch {
                figures.condition.unreadable.append("cannot tell whether dockerd can write the folders it keeps in \(mountpoint): \(message(error))")
            }
        }
        // Also for an xfs or ext4 store: another store's journal there is no migration's (attack 27 M3).
        readJournal(store.migrationJournal, into: &figures.condition)
        figures.condition.fstabOptionRejected = store.fstabRejectedOption.known??.verdict()
        if space.readOnly { figures.condition.readOnly = try readOnlyKind(mountpoint) }
        figures.condition.blockingOptions = space.blockingOptions
        if !figures.condition.unreadable.isEmpty { figures.condition.user = CurrentUser.describe() }
        return figures
    }

    /// The type of the filesystem mounted at `mountpoint`, asked of statx and statfs rather than
    /// read from the mount table: it needs no library and no parsing, which keeps check fast.
    /// nil when nothing is mounted there.
    static func mountedType(at mountpoint: String) throws -> String? {
        let root: Bool?
        do {
            root = try MountRoot.isMountRoot(mountpoint)
        } catch let error as DockStoreError where error.code == Errno.noSuchFileOrDirectory || error.code == Errno.notDirectory {
            return nil
        }
        guard let root else { return try MountTable.read().mount(at: mountpoint)?.fstype }
        guard root else { return nil }
        return try FilesystemType.of(mountpoint, checkDType: false).name
    }

    static func readBtrfs(_ mountpoint: String, sysfs: String) throws -> BtrfsReading {
        let usage: BtrfsFilesystem.Usage
        var opened = true
        do {
            usage = try BtrfsFilesystem.usage(at: mountpoint)
        } catch let error as DockStoreError where error.code == Errno.permissionDenied {
            // A user who may not open the mountpoint (dockerd makes it 0710 root:root) still
            // reads the same figures through statfs and /sys/fs/btrfs; else the refusal stands.
            guard let read = BtrfsFilesystem.usageFromSysfs(at: mountpoint, sysfs: sysfs) else { throw error }
            usage = read
            opened = false
        }
        let uuid = usage.uuid
        let spaces = usage.spaces.map { BtrfsReading.Space(flags: $0.flags, total: $0.total, used: $0.used) }
        let base = "\(sysfs)/fs/btrfs/\(uuid)"
        let named = MemberDevices.read(usage.members, uuid: uuid, sysfs: sysfs)
        let devices = usage.members.map { member -> BtrfsReading.Device in
            var device = BtrfsReading.Device(devid: member.devid, path: member.path, size: member.size, used: member.used)
            device.deviceUUID = member.deviceUUID.isEmpty ? nil : member.deviceUUID
            var unknown: String? = nil
            switch named[member.devid] {
            case .device(let name)?: device.kernelName = name
            case .unknown(let why)?: unknown = "cannot tell which device btrfs device \(member.devid) is: \(why)"
            case nil: break
            }
            do {
                device.errors = try errorStats("\(base)/devinfo/\(member.devid)/error_stats")
                // No sysfs file (a kernel before 5.14, or a container's sysfs right after a
                // replace): the ioctl `btrfs device stats` reads, when the mountpoint opens.
                if device.errors == [:], opened {
                    device.errors = try DeviceStatsIoctl.read(mountpoint: mountpoint, devid: member.devid)
                }
            } catch {
                device.errorsUnreadable = "cannot read the error counters of btrfs device \(member.devid): \((error as? DockStoreError)?.message ?? "\(error)")"
            }
            if let unknown {
                device.deviceBytesUnreadable = unknown
            } else if !device.isMissing {
                do {
                    device.deviceBytes = try device.kernelName.map { try BlockDeviceSize.bytes(ofKernelName: $0, sysfs: sysfs) }
                        ?? BlockDeviceSize.bytes(of: member.path, sysfs: sysfs)
                    // A loop device of no size bound to no file was let go after its last unmount
                    // (autoclear): the store was unmounted as it was read, not shrunk to nothing.
                    if device.deviceBytes == 0, let loop = LoopDevice.kernelName(device.devicePath),
                       try LoopDevice.backingFileText("\(sysfs)/block/\(loop)/loop/backing_file") == nil {
                        device.deviceBytes = nil
                        device.deviceBytesUnreadable = "\(device.devicePath) (btrfs device \(member.devid)) is bound to no file now: the store was unmounted while check read it; run check again"
                    }
                } catch {
                    device.deviceBytesUnreadable = "cannot tell whether \(member.path) (btrfs device \(member.devid)) still holds the \(ByteSize.format(member.size)) btrfs claims on it: \(message(error))"
                }
            }
            return device
        }
        var committed: UInt64? = nil
        let parts = ["bytes_used", "bytes_reserved", "bytes_pinned", "bytes_readonly", "bytes_may_use"]
            .map { number("\(base)/allocation/metadata/\($0)") }
        if parts.allSatisfy({ $0 != nil }) { committed = parts.reduce(0) { $0 + ($1 ?? 0) } }
        var reading = BtrfsReading(uuid: uuid, spaces: spaces, devices: devices, metadataCommitted: committed,
                                   metadataChunkSize: number("\(base)/allocation/metadata/chunk_size"))
        (reading.root, reading.rootUnreadable) = (usage.root, usage.rootUnreadable)
        return reading
    }

    /// A sysfs counter that refines a figure; nil (unreadable or absent) leaves the figure to
    /// the ioctls' own numbers, which are read or refused on their own.
    static func number(_ path: String) -> UInt64? {
        guard let text = (try? FileContents.readString(path)).flatMap({ $0 }) else { return nil }
        return UInt64(text.trimmingWhitespace())
    }

    /// The counters, or none when the kernel has no such file (before 5.14): not "no errors",
    /// which the JSON output keeps apart by leaving them out.
    static func errorStats(_ path: String) throws -> DeviceErrorCounters {
        guard let text = try FileContents.readString(path) else { return [:] }
        return DeviceErrorCounters(sysfsText: text)
    }
}
