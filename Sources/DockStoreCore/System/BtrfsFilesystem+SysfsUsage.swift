import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BtrfsFilesystem {
    /// The usage of the btrfs mounted at `mountpoint`, read without opening the mountpoint: for
    /// a user who may not (dockerd makes its data root 0710 root:root, and check runs as NRPE's
    /// user). The btrfs ioctls need a descriptor of the folder; these reads need only search
    /// permission on its parents and the world-readable /sys/fs/btrfs:
    /// - which filesystem: statfs's f_fsid, which btrfs folds from its fsid and the mounted
    ///   subvolume's id (btrfs_statfs), matched against the fsids /sys/fs/btrfs lists;
    /// - the spaces: allocation/<type>/<profile>/{total,used}_bytes and global_rsv_*, the sums
    ///   SPACE_INFO returns;
    /// - the size: statfs's block count, the superblock's total bytes over the data profile's
    ///   factor (what btrfs_statfs divides by).
    /// Only a filesystem of one device: sysfs does not tell which device name has which devid.
    /// nil when any of this cannot be told; the caller keeps its own error then.
    public static func usageFromSysfs(at mountpoint: String, sysfs: String) -> Usage? {
        var fsid0: UInt32 = 0, fsid1: UInt32 = 0, blocks: UInt64 = 0, blockSize: UInt64 = 0
        guard ds_statfs_identity(mountpoint, &fsid0, &fsid1, &blocks, &blockSize) == 0 else { return nil }
        let root = "\(sysfs)/fs/btrfs"
        guard let names = FolderEntries.names(root) else { return nil }
        let matches = names.filter { name in
            guard let words = fsidWords(name) else { return false }
            // val[0] ^= root id >> 32 (0 for any real subvolume), val[1] ^= root id (5, or 256 on).
            let subvolume = fsid1 ^ words.1
            return fsid0 == words.0 && (subvolume == 5 || subvolume >= 256)
        }
        guard matches.count == 1, let uuid = matches.first else { return nil }
        let base = "\(root)/\(uuid)"
        guard let spaces = sysfsSpaces(base) else { return nil }
        guard let devids = FolderEntries.names("\(base)/devinfo")?.compactMap({ UInt64($0) }), devids.count == 1,
              let devices = FolderEntries.names("\(base)/devices"), devices.count == 1,
              let devid = devids.first, let name = devices.first,
              let missing = sysfsNumber("\(base)/devinfo/\(devid)/missing") else { return nil }
        let factor = dataFactor(spaces)
        let size = blocks * blockSize * factor
        let used = spaces.filter { $0.flags & BtrfsSpaceFlags.globalReserve == 0 }.reduce(0) { $0 + $1.total * profileFactor($1.flags) }
        let member = Member(devid: devid, path: missing == 0 ? "/dev/\(name)" : "", size: size, used: used, deviceUUID: "")
        var usage = Usage(uuid: uuid, spaces: spaces, members: [member])
        do {
            let options = try MountInfoOptions.read(at: mountpoint)
            let readOnly = (options?.mount.contains("ro") ?? false) || (options?.superblock.contains("ro") ?? false)
            usage.root = try BtrfsRootState.readUnopened(at: mountpoint, superblock: options?.superblock ?? [], mountReadOnly: readOnly)
        } catch let error as DockStoreError {
            usage.rootUnreadable = error.message
        } catch {
            usage.rootUnreadable = "\(error)"
        }
        return usage
    }

    /// The two words btrfs_statfs folds a fsid into (before the subvolume id): big-endian
    /// words 0^2 and 1^3. nil for a name that is not a UUID.
    static func fsidWords(_ uuid: String) -> (UInt32, UInt32)? {
        let hex = uuid.filter { $0 != "-" }
        guard uuid.utf8.count == 36, hex.utf8.count == 32 else { return nil }
        var words: [UInt32] = []
        var index = hex.startIndex
        for _ in 0..<4 {
            let end = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<end], radix: 16) else { return nil }
            words.append(word)
            index = end
        }
        return (words[0] ^ words[2], words[1] ^ words[3])
    }

    /// The block group types' folders and their profiles, in the kernel's raid index order.
    static let typeFolders = ["data", "system", "metadata", "mixed"]
    static let profiles: [(name: String, flag: UInt64)] = [
        ("raid10", 1 << 6), ("raid1", 1 << 4), ("dup", 1 << 5), ("raid0", 1 << 3), ("single", 0),
        ("raid5", 1 << 7), ("raid6", 1 << 8), ("raid1c3", 1 << 9), ("raid1c4", 1 << 10),
    ]

    /// What SPACE_INFO returns, from /sys/fs/btrfs/<uuid>/allocation: one space per type and
    /// profile that has block groups, and the global reserve (used = size − reserved).
    static func sysfsSpaces(_ base: String) -> [SpaceInfo]? {
        var spaces: [SpaceInfo] = []
        for type in typeFolders {
            let folder = "\(base)/allocation/\(type)"
            guard let entries = FolderEntries.names(folder) else {
                if errno == ENOENT { continue }
                return nil
            }
            guard let flags = sysfsNumber("\(folder)/flags") else { return nil }
            for profile in profiles where entries.contains(profile.name) {
                guard let total = sysfsNumber("\(folder)/\(profile.name)/total_bytes"),
                      let used = sysfsNumber("\(folder)/\(profile.name)/used_bytes") else { return nil }
                spaces.append(SpaceInfo(flags: flags | profile.flag, total: total, used: used))
            }
        }
        guard let size = sysfsNumber("\(base)/allocation/global_rsv_size"),
              let reserved = sysfsNumber("\(base)/allocation/global_rsv_reserved") else { return nil }
        spaces.append(SpaceInfo(flags: BtrfsSpaceFlags.globalReserve, total: size, used: size > reserved ? size - reserved : 0))
        return spaces
    }

    /// The factor btrfs_statfs divides the superblock's total bytes by: that of the data
    /// space's last profile in raid index order.
    static func dataFactor(_ spaces: [SpaceInfo]) -> UInt64 {
        spaces.last { $0.flags & 1 != 0 && $0.flags & BtrfsSpaceFlags.globalReserve == 0 }.map { profileFactor($0.flags) } ?? 1
    }

    /// Copies kept of each byte (btrfs_bg_type_to_factor): 2 for DUP, RAID1, RAID10; 3 and 4 for RAID1C3/C4.
    static func profileFactor(_ flags: UInt64) -> UInt64 {
        if flags & (1 << 10) != 0 { return 4 }
        if flags & (1 << 9) != 0 { return 3 }
        if flags & ((1 << 4) | (1 << 5) | (1 << 6)) != 0 { return 2 }
        return 1
    }

    static func sysfsNumber(_ path: String) -> UInt64? {
        do {
            guard let text = try FileContents.readString(path) else { return nil }
            return UInt64(text.trimmingWhitespace())
        } catch {
            return nil
        }
    }
}

/// The SPACE_INFO flag of the global reserve (BTRFS_SPACE_INFO_GLOBAL_RSV).
enum BtrfsSpaceFlags {
    static let globalReserve: UInt64 = 1 << 49
}
