import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BtrfsFilesystem {
    /// One block group type and profile as BTRFS_IOC_SPACE_INFO reports it.
    public struct SpaceInfo: Sendable, Equatable {
        /// BTRFS_BLOCK_GROUP_* and BTRFS_SPACE_INFO_GLOBAL_RSV bits.
        public var flags: UInt64
        public var total: UInt64
        public var used: UInt64
    }

    /// One member as BTRFS_IOC_DEV_INFO reports it.
    public struct Member: Sendable, Equatable {
        public var devid: UInt64
        /// The device's name as the kernel keeps it; empty for a missing device.
        public var path: String
        public var size: UInt64
        /// Bytes of chunks on this member.
        public var used: UInt64
        /// The member's device UUID (dev_item.uuid): its identity within the filesystem.
        public var deviceUUID: String
    }

    /// What the kernel says of a mounted btrfs, through ioctls only (FS_INFO, SPACE_INFO and
    /// DEV_INFO for every devid up to the highest): no library, no child process.
    public struct Usage: Sendable, Equatable {
        /// The filesystem UUID (fsid), lowercase with dashes.
        public var uuid: String
        public var spaces: [SpaceInfo]
        /// Members by ascending devid; a devid no member has (removed earlier) is left out.
        public var members: [Member]
        /// The subvolume mounted there, its read-only flag and the data root's attributes, read
        /// on the same descriptor; nil when not read (`rootUnreadable` then says why, or the
        /// figures came from sysfs for a user who may not open the mountpoint).
        public var root: BtrfsRootState? = nil
        public var rootUnreadable: String? = nil
    }

    /// Reads the usage of the btrfs mounted at `mountpoint`.
    public static func usage(at mountpoint: String) throws -> Usage {
        try Syscall.withFolder(mountpoint) { fd in
            var info = ds_btrfs_fs_info()
            try Syscall.check("cannot read the btrfs filesystem info of", mountpoint) { ds_btrfs_fs_info(fd, &info) }

            var count: UInt64 = 0
            try Syscall.check("cannot read the btrfs space info of", mountpoint) { ds_btrfs_space_info(fd, nil, 0, &count) }
            var raw = [ds_btrfs_space](repeating: ds_btrfs_space(), count: Int(count))
            var got: UInt64 = 0
            try Syscall.check("cannot read the btrfs space info of", mountpoint) { ds_btrfs_space_info(fd, &raw, count, &got) }
            let spaces = raw.prefix(Int(min(got, count))).map {
                SpaceInfo(flags: $0.flags, total: $0.total_bytes, used: $0.used_bytes)
            }

            var members: [Member] = []
            if info.max_id > 0 {
                for devid in 1...info.max_id {
                    var dev = ds_btrfs_dev_info()
                    switch Syscall.attempt({ ds_btrfs_dev_info(fd, devid, &dev) }) {
                    case .success: break
                    case .failure(let code) where code == ENODEV: continue
                    case .failure(let code): throw DockStoreError.system("cannot read btrfs device \(devid) of", mountpoint, errno: code)
                    }
                    let path = withUnsafeBytes(of: dev.path) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                    members.append(Member(devid: devid, path: path, size: dev.total_bytes, used: dev.bytes_used, deviceUUID: formatUUID(dev.uuid)))
                }
            }
            var usage = Usage(uuid: formatUUID(info.fsid), spaces: spaces, members: members)
            do {
                usage.root = try BtrfsRootState.read(fd: fd, path: mountpoint)
            } catch let error as DockStoreError {
                usage.rootUnreadable = error.message
            }
            return usage
        }
    }
}
