import CBlkid
import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open block device, optionally holding an exclusive flock on it as systemd-makefs
/// does, so udev (which takes a shared lock before probing) and a second dockstore keep away
/// while it is probed and formatted. Its descriptor stays raw: flock, the BLK* ioctls and
/// libblkid take an int, and O_EXCL here is the kernel's exclusive open of a block device,
/// which swift-system offers only as "exclusive create".
public final class BlockDevice {
    public let path: String
    let fd: Int32

    /// Opens the node read-only; `lock` waits up to `lockTimeout` seconds for LOCK_EX.
    public init(path: String, lock: Bool, lockTimeout: Double = 10) throws {
        self.path = path
        fd = try Syscall.check("cannot open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard lock else { return }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK, waited < lockTimeout else {
                close(fd)
                if code == EWOULDBLOCK {
                    throw DockStoreError(.busy, "\(path) stays locked by another program (udev or a second dockstore); try again when it is idle")
                }
                throw DockStoreError.system("cannot lock", path, errno: code)
            }
            usleep(100_000)
            waited += 0.1
        }
    }

    deinit { close(fd) }

    /// The kernel's own answer to "is anything using it": opening a block device with
    /// O_EXCL fails with EBUSY while it is mounted, a member of a mounted btrfs, active swap,
    /// or held by device-mapper, md or another exclusive opener. Checked right before a
    /// format or wipe, whatever the earlier observation said.
    public static func checkNotInUse(_ path: String) throws {
        if try isInUse(path) {
            throw DockStoreError.refused("refusing: the kernel says \(path) is in use (mounted, a member of a mounted btrfs, swap, or held by another program); dockstore formats and wipes only a device nothing uses")
        }
    }

    /// The same question as `checkNotInUse`, asked while observing: true when the exclusive
    /// open fails with EBUSY; any other failure is "cannot tell" and throws.
    public static func isInUse(_ path: String) throws -> Bool {
        switch Syscall.attempt({ open(path, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK) }) {
        case .success(let fd):
            close(fd)
            return false
        case .failure(let code) where code == EBUSY:
            return true
        case .failure(let code):
            throw DockStoreError.system("cannot open exclusively", path, errno: code)
        }
    }

    public func size() throws -> UInt64 {
        var bytes: UInt64 = 0
        try Syscall.check("cannot read the size of", path) { ds_blk_get_size64(fd, &bytes) }
        return bytes
    }

    public func isReadOnly() throws -> Bool {
        var flag: Int32 = 0
        try Syscall.check("cannot ask whether it is read-only:", path) { ds_blk_ro_get(fd, &flag) }
        return flag != 0
    }

    /// Erases every signature libblkid finds (filesystems, RAID, LVM, swap, partition
    /// tables including GPT's backup header), like `wipefs -a`.
    public func wipeSignatures() throws {
        let writable: Int32
        switch Syscall.attempt({ open(path, O_RDWR | O_EXCL | O_CLOEXEC) }) {
        case .success(let fd): writable = fd
        case .failure(let code) where code == EBUSY:
            throw DockStoreError.refused("refusing to wipe \(path): the kernel says it is in use (mounted, a member of a mounted btrfs, swap, or held by another program)")
        case .failure(let code): throw DockStoreError.system("cannot open for writing", path, errno: code)
        }
        defer { close(writable) }
        guard let probe = blkid_new_probe() else {
            throw DockStoreError.failed("cannot wipe \(path): libblkid could not allocate a probe")
        }
        defer { blkid_free_probe(probe) }
        guard blkid_probe_set_device(probe, writable, 0, 0) == 0 else {
            throw DockStoreError.failed("cannot wipe \(path): libblkid could not use the device")
        }
        blkid_probe_enable_superblocks(probe, 1)
        blkid_probe_set_superblocks_flags(probe, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM)
        blkid_probe_enable_partitions(probe, 1)
        blkid_probe_set_partitions_flags(probe, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT)
        while blkid_do_probe(probe) == 0 {
            guard blkid_do_wipe(probe, 0) == 0 else {
                throw DockStoreError.system("cannot wipe a signature on", path, errno: errno == 0 ? EIO : errno)
            }
        }
        try Syscall.check("cannot flush", path) { fsync(writable) }
    }
}
