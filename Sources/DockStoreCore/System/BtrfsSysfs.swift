#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `/sys/fs/btrfs` says of filesystems the kernel has mounted.
enum BtrfsSysfs {
    /// The kernel names of the members of the mounted btrfs `uuid` (empty when it is not
    /// mounted).
    static func members(uuid: String, sysfs: String = "/sys") throws -> [String] {
        let devices = "\(sysfs)/fs/btrfs/\(uuid.lowercased())/devices"
        guard let names = FolderEntries.names(devices) else {
            if errno == ENOENT { return [] }
            throw DockStoreError.system("cannot list", devices, errno: errno)
        }
        return names
    }

    /// The UUID of the mounted btrfs that has the block device `name` (a kernel name such as
    /// `loop3` or `nvme1n1`) among its members, from /sys/fs/btrfs/<uuid>/devices; nil when
    /// none has. The mount table names only one member of a multi-device filesystem.
    static func filesystem(withMember name: String, sysfs: String = "/sys") throws -> String? {
        let root = "\(sysfs)/fs/btrfs"
        guard let entries = FolderEntries.names(root) else {
            if errno == ENOENT { return nil }
            throw DockStoreError.system("cannot list", root, errno: errno)
        }
        for uuid in entries where uuid.count == 36 {
            let devices = "\(root)/\(uuid)/devices"
            guard let members = FolderEntries.names(devices) else {
                if errno == ENOENT { continue }
                throw DockStoreError.system("cannot list", devices, errno: errno)
            }
            if members.contains(name) { return uuid }
        }
        return nil
    }

    /// Whether two mounted btrfs filesystems (by their sysfs UUIDs) are one on-disk filesystem:
    /// their `metadata_uuid` (kernel 5.0 on; under a temporary fsid, kernel 6.7 on, the on-disk
    /// fsid) are the same. Nil when either file is missing: then nothing says.
    static func sameOnDisk(_ one: String, _ other: String, sysfs: String) throws -> Bool? {
        if one.lowercased() == other.lowercased() { return true }
        guard let first = try FileContents.readString("\(sysfs)/fs/btrfs/\(one.lowercased())/metadata_uuid")?.trimmingWhitespace(),
              let second = try FileContents.readString("\(sysfs)/fs/btrfs/\(other.lowercased())/metadata_uuid")?.trimmingWhitespace(),
              !first.isEmpty, !second.isEmpty else { return nil }
        return first.lowercased() == second.lowercased()
    }

    /// The other mounted btrfs filesystems whose `metadata_uuid` is that of the mounted `uuid`,
    /// one of the two under a temporary fsid (`temp_fsid` 1, kernel 6.7 on): second instances
    /// of its bytes, or block copies of it. A copy given its own fsid with `btrfstune -m` keeps
    /// the `metadata_uuid` but needs no temporary fsid, and is no instance (attack 23 H4); a
    /// kernel without `temp_fsid` mounts no second instance at all. Empty when the kernel has no
    /// `metadata_uuid` files.
    static func instances(of uuid: String, sysfs: String) throws -> [String] {
        let root = "\(sysfs)/fs/btrfs"
        guard let ours = try FileContents.readString("\(root)/\(uuid.lowercased())/metadata_uuid")?.trimmingWhitespace().lowercased(),
              !ours.isEmpty else { return [] }
        guard let entries = FolderEntries.names(root) else {
            if errno == ENOENT { return [] }
            throw DockStoreError.system("cannot list", root, errno: errno)
        }
        let oursTemporary = try temporaryFsid("\(root)/\(uuid.lowercased())")
        return try entries.sorted().filter { entry in
            guard entry.count == 36, entry.lowercased() != uuid.lowercased() else { return false }
            let theirs = try FileContents.readString("\(root)/\(entry)/metadata_uuid")?.trimmingWhitespace().lowercased()
            guard theirs == ours else { return false }
            return try oursTemporary || temporaryFsid("\(root)/\(entry)")
        }
    }

    /// The on-disk fsid of the mounted btrfs `uuid` when the kernel shows it under another one:
    /// its `metadata_uuid`, which under a temporary fsid (two instances of one filesystem, kernel
    /// 6.7 on) is the fsid its superblocks carry; nil when it is `uuid` or cannot be read
    /// (before kernel 5.0).
    static func onDiskFsid(of uuid: String, sysfs: String = "/sys") -> String? {
        do {
            guard let text = try FileContents.readString("\(sysfs)/fs/btrfs/\(uuid.lowercased())/metadata_uuid")?.trimmingWhitespace().lowercased(),
                  !text.isEmpty, text != uuid.lowercased() else { return nil }
            return text
        } catch {
            return nil
        }
    }

    /// `<folder>/temp_fsid` reads 1: the kernel mounted this filesystem under a temporary fsid,
    /// another with the same fsid being mounted already. False without the file (before 6.7).
    static func temporaryFsid(_ folder: String) throws -> Bool {
        try FileContents.readString("\(folder)/temp_fsid")?.trimmingWhitespace() == "1"
    }

    /// /sys/fs/btrfs/<uuid>/exclusive_operation (kernel 5.10 on): `none`, `balance`,
    /// `balance paused`, `device add`, `device remove`, `device replace`, `resize`, …; nil when
    /// the kernel has no such file. A file that is there but cannot be read throws.
    static func exclusiveOperation(uuid: String, sysfs: String) throws -> String? {
        try FileContents.readString("\(sysfs)/fs/btrfs/\(uuid.lowercased())/exclusive_operation")?.trimmingWhitespace()
    }
}
