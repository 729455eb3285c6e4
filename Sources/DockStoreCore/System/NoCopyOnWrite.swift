import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An image on a btrfs host filesystem (SUSE's default root) gets No_COW (`chattr +C`) before
/// its first byte: copy-on-write would give every overwrite of the image's blocks new host
/// space, so the store's own commits could fail on a full host even where `--thick`
/// preallocated every block (fallocate reserves the first write only), forcing the store
/// read-only; and the image would fragment into millions of extents. btrfs honours the flag
/// only on an empty file, and turns off its checksums for the file: the store's btrfs keeps its own.
enum NoCopyOnWrite {
    static func setIfBtrfs(_ fd: Int32, path: String) throws {
        var type: Int64 = 0
        try Syscall.check("cannot read the filesystem type of", path) { ds_fstatfs_type(fd, &type) }
        guard type == DockerdDataRoot.btrfsMagic else { return }
        try Syscall.check("cannot set No_COW (chattr +C) on", path) { ds_set_nocow(fd) }
    }
}
