import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A member's error counters from BTRFS_IOC_GET_DEV_STATS, as `btrfs device stats` reads them:
/// for where sysfs has no `devinfo/<devid>/error_stats` (a kernel before 5.14, or a container's
/// view of sysfs right after a replace renamed the target's entry).
enum DeviceStatsIoctl {
    static func read(mountpoint: String, devid: UInt64) throws -> DeviceErrorCounters {
        let fd = try Syscall.check("cannot open", mountpoint) { open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        var values: [UInt64] = [0, 0, 0, 0, 0]
        try values.withUnsafeMutableBufferPointer { buffer in
            try Syscall.checkBtrfs("cannot read the error counters (BTRFS_IOC_GET_DEV_STATS) of devid \(devid) at", mountpoint) {
                ds_btrfs_get_dev_stats(fd, devid, buffer.baseAddress)
            }
        }
        var counters = DeviceErrorCounters()
        for (name, value) in zip(DeviceErrorCounters.names, values) { counters[name] = value }
        return counters
    }
}
