import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Observes and grows a mounted btrfs store online: the image file, the loop device's
/// idea of its size, then the filesystem by devid.
public struct Grower: Sendable {
    public let host: Host
    public let mountpoint: String

    public init(host: Host, mountpoint: String) {
        self.host = host
        self.mountpoint = mountpoint
    }

    public func observe() throws -> GrowObservation {
        let store = StoreObserver(host: host, imagePath: nil, mountpointPath: mountpoint).observe(.mount)
        return try GrowObservation(store: store, mountpoint: mountpoint, blockSize: { try BlockDevice(path: $0.path, lock: false).size() },
                                   backing: { member, uuid in
            CapacityProbe.hostBacking(BtrfsReading(uuid: uuid, spaces: [], devices: [member]), sysfs: "/sys")
        })
    }

    public func apply(_ steps: [GrowStep], progress: (GrowStep) -> Void) throws {
        for step in steps {
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
            progress(step)
            Failpoint.reached(step.id)
        }
    }
}
