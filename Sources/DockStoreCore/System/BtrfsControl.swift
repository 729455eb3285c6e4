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

    /// Whether the kernel has seen every device of the btrfs on `device` (registering it, as
    /// `btrfs device ready` does): false when a member is missing, so a mount would fail.
    public static func devicesReady(_ device: String) throws -> Bool {
        try Syscall.withDescriptor("/dev/btrfs-control", .readWrite) { descriptor in
            let fd = descriptor.rawValue
            return try Syscall.check("cannot ask the kernel whether every device of the btrfs is attached", device) { ds_btrfs_devices_ready(fd, device) } == 0
        }
    }
}
