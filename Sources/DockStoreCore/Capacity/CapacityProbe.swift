import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the capacity figures of the store mounted at a mountpoint straight from the
/// kernel — the btrfs ioctls, /sys/fs/btrfs, statfs, stat, the loop device's sysfs entry —
/// spawning nothing and taking no lock, so monitoring can call it every minute, also
/// without root and during a migration.
public enum CapacityProbe {
    public static func read(mountpoint: String, sysfs: String = "/sys") throws -> CapacityFigures {
        let fstype = try mountedFilesystem(at: mountpoint)
        var s = statvfs()
        try Syscall.check("cannot read the free space of", mountpoint) { statvfs(mountpoint, &s) }
        let readOnly = UInt(s.f_flag) & UInt(ST_RDONLY) != 0
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
            let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
            let used = (UInt64(s.f_blocks) - UInt64(s.f_bfree)) * unit
            figures = CapacityFigures(filesystem: fstype, mountpoint: mountpoint, total: UInt64(s.f_blocks) * unit,
                                      available: UInt64(s.f_bavail) * unit, used: used)
        }
        if readOnly { figures.condition.readOnly = try readOnlyKind(mountpoint) }
        if !figures.condition.unreadable.isEmpty { figures.condition.user = CurrentUser.describe() }
        return figures
    }

    /// The type of the filesystem mounted at `mountpoint`, asked of statx and statfs rather than
    /// read from the mount table: it needs no library and no parsing, which keeps check fast.
    static func mountedFilesystem(at mountpoint: String) throws -> String {
        let notMounted = DockStoreError.refused("nothing is mounted at \(mountpoint): Docker's storage is not there")
        var root: Int32 = 0
        switch Syscall.attempt({ ds_is_mount_root(mountpoint, &root) }) {
        case .success: break
        case .failure(let code) where code == ENOENT || code == ENOTDIR: throw notMounted
        case .failure(let code): throw DockStoreError.system("cannot read", mountpoint, errno: code)
        }
        if root < 0 {
            guard let entry = try MountTable.read().mount(at: mountpoint) else { throw notMounted }
            return entry.fstype
        }
        guard root == 1 else { throw notMounted }
        return try FilesystemType.of(mountpoint, checkDType: false).name
    }

    static func readBtrfs(_ mountpoint: String, sysfs: String) throws -> BtrfsReading {
        let fd = try Syscall.check("cannot open", mountpoint) { open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        var info = ds_btrfs_fs_info()
        try Syscall.check("cannot read the btrfs filesystem info of", mountpoint) { ds_btrfs_fs_info(fd, &info) }
        let uuid = formatUUID(info.fsid)

        var count: UInt64 = 0
        try Syscall.check("cannot read the btrfs space info of", mountpoint) { ds_btrfs_space_info(fd, nil, 0, &count) }
        var raw = [ds_btrfs_space](repeating: ds_btrfs_space(), count: Int(count))
        var got: UInt64 = 0
        try Syscall.check("cannot read the btrfs space info of", mountpoint) { ds_btrfs_space_info(fd, &raw, count, &got) }
        let spaces = raw.prefix(Int(min(got, count))).map {
            BtrfsReading.Space(flags: $0.flags, total: $0.total_bytes, used: $0.used_bytes)
        }

        let base = "\(sysfs)/fs/btrfs/\(uuid)"
        var devices: [BtrfsReading.Device] = []
        if info.max_id > 0 {
            for devid in 1...info.max_id {
                var dev = ds_btrfs_dev_info()
                switch Syscall.attempt({ ds_btrfs_dev_info(fd, devid, &dev) }) {
                case .success: break
                case .failure(let code) where code == ENODEV: continue
                case .failure(let code): throw DockStoreError.system("cannot read btrfs device \(devid) of", mountpoint, errno: code)
                }
                let path = withUnsafeBytes(of: dev.path) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                var device = BtrfsReading.Device(devid: devid, path: path, size: dev.total_bytes, used: dev.bytes_used)
                device.deviceUUID = formatUUID(dev.uuid)
                do {
                    device.errors = try errorStats("\(base)/devinfo/\(devid)/error_stats")
                } catch {
                    device.errorsUnreadable = "cannot read the error counters of btrfs device \(devid): \((error as? DockStoreError)?.message ?? "\(error)")"
                }
                devices.append(device)
            }
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
