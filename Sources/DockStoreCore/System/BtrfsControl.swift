import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// /dev/btrfs-control: telling the kernel about a member device before mounting, what
/// udev's btrfs rule does at boot (`btrfs device scan`).
public enum BtrfsControl {
    public static func scan(_ device: String) throws {
        try Syscall.withDescriptor("/dev/btrfs-control", .readWrite) { descriptor in
            let fd = descriptor.rawValue  // for the ioctl in CLinuxShim: swift-system has no ioctl
            try Syscall.check("cannot register the btrfs device", device) { ds_btrfs_scan_device(fd, device) }
        }
    }
}
