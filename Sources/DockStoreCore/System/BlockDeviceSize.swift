#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The size of a block device as the block layer holds it now, read from sysfs
/// (`/sys/dev/block/MAJ:MIN/size`, in 512-byte sectors — the number BLKGETSIZE64 returns),
/// so check learns it without opening the device: no root needed, and a hung device's queue
/// is never touched (attack 12, A13). After `losetup -c` over a truncated image, or a
/// partition resized, it is smaller than what btrfs's DEV_INFO still claims (A1).
public enum BlockDeviceSize {
    /// The device named `path` (a kernel name from DEV_INFO such as `/dev/loop3`, or a link such
    /// as `/dev/mapper/x`): by its device number when the node is there, else by its kernel
    /// name (a container's /dev may lack the node). Throws when neither can be read.
    public static func bytes(of path: String, sysfs: String = "/sys") throws -> UInt64 {
        var st = stat()
        let entry: String
        if let name = LoopDevice.kernelName(path), PathCalls.exists("\(sysfs)/class/block/\(name)") {
            // The kernel's loopN, whatever node /dev holds at its name (attack 38 U A2b).
            entry = "\(sysfs)/class/block/\(name)/size"
        } else if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFBLK else {
                throw DockStoreError.failed("cannot read the size of \(path): it is not a block device")
            }
            entry = "\(sysfs)/dev/block/\(major(UInt64(st.st_rdev))):\(minor(UInt64(st.st_rdev)))/size"
        } else if errno == ENOENT || errno == ENOTDIR, let name = path.split(separator: "/").last, !name.isEmpty {
            entry = "\(sysfs)/class/block/\(name)/size"
        } else {
            throw DockStoreError.system("cannot look at", path, errno: errno)
        }
        return try sectors(entry, of: path)
    }

    /// The device the kernel names `name` (`loop3`, `nvme1n1p1`), whatever /dev holds.
    public static func bytes(ofKernelName name: String, sysfs: String = "/sys") throws -> UInt64 {
        try sectors("\(sysfs)/class/block/\(name)/size", of: "the kernel's \(name)")
    }

    private static func sectors(_ entry: String, of path: String) throws -> UInt64 {
        guard let text = try FileContents.readString(entry) else {
            throw DockStoreError.failed("cannot read the size of \(path): \(entry) is not there")
        }
        guard let sectors = UInt64(text.trimmingWhitespace()), sectors <= UInt64.max / 512 else {
            throw DockStoreError.failed("cannot read the size of \(path): \(entry) holds '\(text.trimmingWhitespace())', not a number of sectors")
        }
        return sectors * 512
    }
}
