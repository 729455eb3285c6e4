import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Observes and grows a mounted btrfs store online: the image file, the loop device's
/// idea of its size, then the filesystem by devid.
public struct Grower: Sendable {
    public let mountpoint: String

    public init(mountpoint: String) { self.mountpoint = mountpoint }

    public func observe() throws -> GrowObservation {
        guard let entry = try MountTable.read().mount(at: mountpoint) else {
            throw DockStoreError.refused("nothing is mounted at \(mountpoint); run dockstore provision first")
        }
        guard entry.fstype == "btrfs" else { return GrowObservation(mountpoint: mountpoint, fstype: entry.fstype, devices: []) }
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        let devices = try reading.devices.map { device -> GrowObservation.Device in
            let block = try BlockDevice(path: device.path, lock: false)
            let single = BtrfsReading(uuid: reading.uuid, spaces: [], devices: [device])
            return GrowObservation.Device(devid: device.devid, path: device.path, btrfsSize: device.size,
                                          blockSize: try block.size(), image: CapacityProbe.hostBacking(single, sysfs: "/sys"))
        }
        return GrowObservation(mountpoint: mountpoint, fstype: "btrfs", devices: devices)
    }

    public func apply(_ steps: [GrowStep], progress: (GrowStep) -> Void) throws {
        try StepEngine.apply(steps, progress: progress) { step in
            switch step {
            case .extendImage(let path, _, let to):
                let fd = try Syscall.check("cannot open", path) { open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC) }
                defer { close(fd) }
                var st = stat()
                try Syscall.check("cannot look at", path) { fstat(fd, &st) }
                if UInt64(st.st_size) < to {
                    try Syscall.check("cannot extend", path) { ftruncate(fd, off_t(to)) }
                    try Syscall.check("cannot flush", path) { fsync(fd) }
                }
            case .refreshLoop(let device):
                let fd = try Syscall.check("cannot open", device) { open(device, O_RDONLY | O_CLOEXEC) }
                defer { close(fd) }
                try Syscall.check("cannot refresh the capacity of", device) { ds_loop_set_capacity(fd) }
            case .resizeFilesystem(let devid, _, _):
                let fd = try Syscall.check("cannot open", mountpoint) { open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                defer { close(fd) }
                try Syscall.checkBtrfs("cannot resize btrfs device \(devid) at", mountpoint) { ds_btrfs_resize(fd, "\(devid):max") }
            }
        }
    }
}
