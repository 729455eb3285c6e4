import CBtrfsUtil
import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mounted btrfs filesystem, read through its ioctls and libbtrfsutil.
public struct BtrfsFilesystem: Sendable, Equatable {
    public var mountpoint: String
    /// The filesystem UUID (fsid), lowercase with dashes.
    public var uuid: String
    public var deviceCount: UInt64
    public var nodeSize: UInt32
    public var sectorSize: UInt32

    /// Reads BTRFS_IOC_FS_INFO at `mountpoint`; fails with a clear message when it is not btrfs.
    public static func open(_ mountpoint: String) throws -> BtrfsFilesystem {
        try Syscall.withFolder(mountpoint) { fd in
            var info = ds_btrfs_fs_info()
            switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
            case .success: break
            case .failure(let code) where code == ENOTTY || code == EINVAL:
                throw DockStoreError.refused("\(mountpoint) is not on a btrfs filesystem")
            case .failure(let code):
                throw DockStoreError.system("cannot read the btrfs filesystem info of", mountpoint, errno: code)
            }
            return BtrfsFilesystem(mountpoint: mountpoint, uuid: formatUUID(info.fsid), deviceCount: info.num_devices,
                                   nodeSize: info.nodesize, sectorSize: info.sectorsize)
        }
    }

    /// Removes the member `devid` (BTRFS_IOC_RM_DEV_V2), moving its chunks to the other
    /// members. Succeeds only when the kernel says it did: -1 with errno, or a positive
    /// btrfs error code (the only writeable device, a running exclusive operation), fails.
    public static func removeDevice(_ devid: UInt64, at mountpoint: String) throws {
        try Syscall.withFolder(mountpoint) { fd in
            try Syscall.checkBtrfs("cannot remove btrfs device \(devid) from", mountpoint) { ds_btrfs_remove_device(fd, devid) }
        }
    }

    /// Resizes the member `devid` (BTRFS_IOC_RESIZE "devid:bytes", or "devid:max" for nil):
    /// a shrink relocates the chunks beyond the new size first.
    public static func resize(_ devid: UInt64, to size: UInt64?, at mountpoint: String) throws {
        try Syscall.withFolder(mountpoint) { fd in
            let spec = "\(devid):\(size.map { String($0) } ?? "max")"
            try Syscall.checkBtrfs("cannot resize btrfs device \(spec) at", mountpoint) { ds_btrfs_resize(fd, spec) }
        }
    }

    /// Commits the current transaction (libbtrfsutil's btrfs_util_sync).
    public func sync() throws {
        let rc = btrfs_util_sync(mountpoint)
        if rc != BTRFS_UTIL_OK {
            let reason = btrfs_util_strerror(rc).map { String(cString: $0) } ?? "error \(rc.rawValue)"
            throw DockStoreError.failed("cannot sync the btrfs filesystem at \(mountpoint): \(reason): \(Errno.text(errno))")
        }
    }

    /// Discards every unused block (FITRIM); on a loop image this punches holes into the
    /// backing file, giving the space back to the host. Returns the bytes trimmed.
    @discardableResult
    public func trim() throws -> UInt64 {
        try Syscall.withFolder(mountpoint) { fd in
            var trimmed: UInt64 = 0
            try Syscall.check("cannot trim", mountpoint) { ds_fitrim(fd, 0, &trimmed) }
            return trimmed
        }
    }
}

func formatUUID<T>(_ bytes: T) -> String {
    let raw = withUnsafeBytes(of: bytes) { Array($0.prefix(16)) }
    return formatUUID(raw)
}

func formatUUID(_ raw: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, byte) in raw.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0xf)])
    }
    return String(decoding: text, as: UTF8.self)
}

extension BtrfsFilesystem {
    /// The btrfs device UUID of member `devid` (BTRFS_IOC_DEV_INFO); nil when no member has it.
    public static func deviceUUID(_ devid: UInt64, at mountpoint: String) throws -> String? {
        try Syscall.withFolder(mountpoint) { fd in
            var info = ds_btrfs_dev_info()
            switch Syscall.attempt({ ds_btrfs_dev_info(fd, devid, &info) }) {
            case .success: return formatUUID(info.uuid)
            case .failure(let code) where code == ENODEV: return nil
            case .failure(let code): throw DockStoreError.system("cannot read btrfs device \(devid) of", mountpoint, errno: code)
            }
        }
    }

    /// Adds the block device `path` as a member (BTRFS_IOC_ADD_DEV).
    public static func addDevice(_ path: String, at mountpoint: String) throws {
        try Syscall.withFolder(mountpoint) { fd in
            try Syscall.checkBtrfs("cannot add \(path) to the btrfs at", mountpoint) { ds_btrfs_add_device(fd, path) }
        }
    }

    /// Resizes member `devid` to exactly `bytes` (BTRFS_IOC_RESIZE "devid:bytes"); shrinking
    /// moves the chunks beyond the new end first.
    public static func resize(_ devid: UInt64, to bytes: UInt64, at mountpoint: String) throws {
        try Syscall.withFolder(mountpoint) { fd in
            try Syscall.checkBtrfs("cannot resize btrfs device \(devid) to \(bytes) bytes at", mountpoint) {
                ds_btrfs_resize(fd, "\(devid):\(bytes)")
            }
        }
    }
}
