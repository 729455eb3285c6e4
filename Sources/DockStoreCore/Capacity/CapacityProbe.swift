/// Reads the capacity figures of the store mounted at a mountpoint straight from the
/// kernel — the btrfs ioctls, /sys/fs/btrfs, statfs, stat, the loop device's sysfs entry —
/// spawning nothing and taking no lock, so monitoring can call it every minute, also
/// without root and during a migration.
public enum CapacityProbe {
    public static func read(mountpoint: String, sysfs: String = "/sys") throws -> CapacityFigures {
        let fstype = try mountedFilesystem(at: mountpoint)
        let space = try HostSpace.of(mountpoint)
        var figures: CapacityFigures
        if fstype == "btrfs" {
            let reading = try readBtrfs(mountpoint, sysfs: sysfs)
            figures = CapacityFigures(btrfs: reading, mountpoint: mountpoint, host: nil)
            figures.host = hostBacking(reading, sysfs: sysfs, into: &figures.condition)
            try readExclusiveOperation(uuid: reading.uuid, sysfs: sysfs, into: &figures.condition)
            for device in reading.devices where device.errorsUnreadable != nil {
                figures.condition.unreadable.append(device.errorsUnreadable ?? "")
            }
        } else {
            figures = CapacityFigures(filesystem: fstype, mountpoint: mountpoint, total: space.total,
                                      available: space.available, used: space.total - space.free)
        }
        if space.readOnly { figures.condition.readOnly = try readOnlyKind(mountpoint) }
        if !figures.condition.unreadable.isEmpty { figures.condition.user = CurrentUser.describe() }
        return figures
    }

    /// The type of the filesystem mounted at `mountpoint`, asked of statx and statfs rather than
    /// read from the mount table: it needs no library and no parsing, which keeps check fast.
    static func mountedFilesystem(at mountpoint: String) throws -> String {
        let notMounted = DockStoreError.refused("nothing is mounted at \(mountpoint): Docker's storage is not there")
        let root: Bool?
        do {
            root = try MountRoot.isMountRoot(mountpoint)
        } catch let error as DockStoreError where error.code == Errno.noSuchFileOrDirectory || error.code == Errno.notDirectory {
            throw notMounted
        }
        guard let root else {
            guard let entry = try MountTable.read().mount(at: mountpoint) else { throw notMounted }
            return entry.fstype
        }
        guard root else { throw notMounted }
        return try FilesystemType.of(mountpoint, checkDType: false).name
    }

    static func readBtrfs(_ mountpoint: String, sysfs: String) throws -> BtrfsReading {
        let usage = try BtrfsFilesystem.usage(at: mountpoint)
        let uuid = usage.uuid
        let spaces = usage.spaces.map { BtrfsReading.Space(flags: $0.flags, total: $0.total, used: $0.used) }
        let base = "\(sysfs)/fs/btrfs/\(uuid)"
        let devices = usage.members.map { member -> BtrfsReading.Device in
            var device = BtrfsReading.Device(devid: member.devid, path: member.path, size: member.size, used: member.used)
            device.deviceUUID = member.deviceUUID
            do {
                device.errors = try errorStats("\(base)/devinfo/\(member.devid)/error_stats")
            } catch {
                device.errorsUnreadable = "cannot read the error counters of btrfs device \(member.devid): \((error as? DockStoreError)?.message ?? "\(error)")"
            }
            return device
        }
        var committed: UInt64? = nil
        let parts = ["bytes_used", "bytes_reserved", "bytes_pinned", "bytes_readonly", "bytes_may_use"]
            .map { number("\(base)/allocation/metadata/\($0)") }
        if parts.allSatisfy({ $0 != nil }) { committed = parts.reduce(0) { $0 + ($1 ?? 0) } }
        return BtrfsReading(uuid: uuid, spaces: spaces, devices: devices, metadataCommitted: committed,
                            metadataChunkSize: number("\(base)/allocation/metadata/chunk_size"))
    }

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
