#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The device's lock: a BSD `flock(LOCK_EX)` on the whole-disk block device node, the lock
/// systemd's udev takes (shared) before it probes a device and systemd-repart, systemd-makefs
/// and util-linux (`mkfs --lock`, `wipefs --lock`, `sfdisk --lock`) take (exclusive) while they
/// change one (https://systemd.io/BLOCK_DEVICE_LOCKING/). A partition's lock is its disk's.
///
/// `provision --device` holds it from before it looks at the device until the run ends, so the
/// blank check, the format and the mount are one step for every other holder: a second
/// `provision --device` of the same device from another `--root` (whose run lock is another
/// file) waits, then sees the device formatted and mounted and refuses. The lock does not keep
/// out a program that ignores it; the kernel's `O_EXCL` answer is checked as well.
public final class DeviceClaim: Sendable {
    /// The whole-disk node the lock is on (`/dev/block/MAJ:MIN` for a partition's disk).
    public let path: String
    /// The whole disk's device number.
    public let disk: UInt64
    private let fd: Int32

    /// Locks the whole disk under `device`, waiting up to `timeout` seconds (`waiting` is told
    /// once when someone else holds it). Nil when `device` is not a block device: the planner
    /// refuses that, with its own message.
    public static func claim(_ device: String, sysfs: SysfsBlock = SysfsBlock(), timeout: Double,
                             waiting: (String) -> Void) throws -> DeviceClaim? {
        guard let status = try FileStatus.following(device), status.kind == .blockDevice else { return nil }
        guard let name = sysfs.name(ofDevice: status.rdev) else {
            throw DockStoreError.failed("cannot find \(device) in /sys/dev/block; dockstore cannot lock it")
        }
        let disk = sysfs.disk(of: name)
        guard disk != name else { return try locked(device, disk: status.rdev, timeout: timeout, waiting: waiting) }
        let text = try FileContents.readString("\(sysfs.root)/class/block/\(disk)/dev") ?? ""
        let parts = text.trimmingWhitespace().split(separator: ":").compactMap { UInt64($0) }
        guard parts.count == 2 else {
            throw DockStoreError.failed("cannot read the device number of \(disk), the disk \(device) is on; dockstore cannot lock it")
        }
        return try locked("/dev/block/\(parts[0]):\(parts[1])", disk: makeDevice(parts[0], parts[1]),
                          timeout: timeout, waiting: waiting)
    }

    private static func locked(_ path: String, disk: UInt64, timeout: Double, waiting: (String) -> Void) throws -> DeviceClaim? {
        // Read-only: closing a descriptor opened for writing makes udev probe the device again.
        // A node this run cannot open is not claimed: the observation opens it too and fails or
        // refuses (the root disk) with its own message, and the format locks it itself or fails.
        guard case .success(let fd) = Syscall.attempt({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) else { return nil }
        return try DeviceClaim(fd: fd, path: path, disk: disk, timeout: timeout, waiting: waiting)
    }

    private init(fd: Int32, path: String, disk: UInt64, timeout: Double, waiting: (String) -> Void) throws {
        self.path = path
        self.disk = disk
        self.fd = fd
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK, UInt64(st.st_rdev) == disk else {
            close(fd)
            throw DockStoreError.refused("refusing: \(path) is no longer the block device dockstore looked at; nothing was changed: re-run")
        }
        var waited = 0.0
        var announced = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK, waited < timeout else {
                close(fd)
                if code == EWOULDBLOCK {
                    throw DockStoreError(.busy, "\(path) stays locked by another program (a dockstore run from another --root, udev, or a tool such as mkfs --lock) for \(Int(timeout)) s; nothing was changed: try again when it is idle")
                }
                throw DockStoreError.system("cannot lock", path, errno: code)
            }
            if !announced && timeout > 0 {
                waiting("waiting for \(path)'s lock (another dockstore run, udev or a partitioning tool holds it)")
                announced = true
            }
            usleep(100_000)
            waited += 0.1
        }
    }

    /// Whether this claim is the lock of the disk `device` is on (the device itself or a partition).
    public func covers(_ device: String, sysfs: SysfsBlock = SysfsBlock()) throws -> Bool {
        guard let status = try FileStatus.following(device), status.kind == .blockDevice else { return false }
        if status.rdev == disk { return true }
        guard let name = sysfs.name(ofDevice: status.rdev), let diskName = sysfs.name(ofDevice: disk) else { return false }
        return sysfs.disk(of: name) == diskName
    }

    deinit { close(fd) }
}
