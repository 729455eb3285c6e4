import SystemPackage

/// The primary btrfs superblock of a device (64 KiB in), reduced to what tells a device
/// replace's target apart: the filesystem UUID and the devid (the kernel gives a replace
/// target devid 0 until the replace finishes).
public struct BtrfsSuperblock: Sendable, Equatable {
    public var fsid: String
    public var devid: UInt64

    /// Nil when the device holds no btrfs superblock; throws when it cannot be read.
    public static func read(_ path: String) throws -> BtrfsSuperblock? {
        var block = [UInt8](repeating: 0, count: 4096)
        let got = try Syscall.withDescriptor(path, .readOnly) { fd in
            try Syscall.mapErrno("cannot read the btrfs superblock of", path) {
                try block.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: 65536, into: $0) }
            }
        }
        guard got == 4096, Array(block[64..<72]) == Array("_BHRfS_M".utf8) else { return nil }
        // struct btrfs_super_block: fsid at 32, dev_item at 201 (its devid first, little-endian).
        let devid = (0..<8).reduce(UInt64(0)) { $0 | UInt64(block[201 + $1]) << (8 * UInt64($1)) }
        let fsid: [UInt8] = Array(block[32..<48])
        return BtrfsSuperblock(fsid: formatUUID(fsid), devid: devid)
    }
}
