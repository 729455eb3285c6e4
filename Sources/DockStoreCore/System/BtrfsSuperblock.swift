import SystemPackage
import Glibc

/// The primary btrfs superblock of a device (64 KiB in), reduced to what tells a device
/// replace's target apart: the filesystem UUID and the devid (the kernel gives a replace
/// target devid 0 until the replace finishes), the device's own UUID and how many devices
/// the filesystem counts.
public struct BtrfsSuperblock: Sendable, Equatable {
    public var fsid: String
    public var devid: UInt64
    /// dev_item.uuid: the device's UUID (blkid's UUID_SUB).
    public var deviceUUID: String = ""
    public var numDevices: UInt64 = 0
    /// The transaction generation the superblock was last written in: of two copies of one
    /// device, the higher one was written later (the copy was taken before).
    public var generation: UInt64 = 0
    /// dev_item.total_bytes: the bytes btrfs claims on this device; a file or device shorter
    /// than that is not mounted by the kernel.
    public var deviceBytes: UInt64 = 0

    public init(fsid: String, devid: UInt64, deviceUUID: String = "", numDevices: UInt64 = 0, generation: UInt64 = 0) {
        self.fsid = fsid
        self.devid = devid
        self.deviceUUID = deviceUUID
        self.numDevices = numDevices
        self.generation = generation
    }

    /// Nil when the device holds no btrfs superblock; throws when it cannot be read.
    /// Where the superblock says it is written (`bytenr`, at 48): 65536 for the primary one.
    /// A mirror (64 MiB, 256 GiB) that a view shifted by an offset shows at 64 KiB says its own
    /// place, and the kernel refuses to mount it (attack 36 W 3b).
    public var bytenr: UInt64 = 65536

    public static func read(_ path: String) throws -> BtrfsSuperblock? {
        try read(path, magic: Array("_BHRfS_M".utf8))
    }

    /// The superblock mkfs.btrfs writes early with the temporary magic (btrfs-progs
    /// BTRFS_MAGIC_TEMPORARY, ascii "!BHRfS_M") and the fsid it was given (-U); its last write
    /// puts the real magic there. Nil unless the primary superblock carries that magic: the
    /// device's own proof that a format of this fsid began on it and did not finish. Its
    /// checksum is not checked: the fsid is compared with a UUID dockstore chose at random.
    public static func readTemporary(_ path: String) throws -> BtrfsSuperblock? {
        try read(path, magic: Array("!BHRfS_M".utf8))
    }

    /// The superblock the kernel scratched when it canceled a replace onto this device or
    /// dropped it from a filesystem (btrfs_scratch_superblocks zeroes the magic and leaves the
    /// rest): nil unless the magic is all zeros and an fsid is still there.
    public static func readScratched(_ path: String) throws -> BtrfsSuperblock? {
        guard let block = try read(path, magic: [UInt8](repeating: 0, count: 8)),
              block.fsid != formatUUID([UInt8](repeating: 0, count: 16)) else { return nil }
        return block
    }

    private static func read(_ path: String, magic: [UInt8]) throws -> BtrfsSuperblock? {
        var block = [UInt8](repeating: 0, count: 4096)
        let got = try Syscall.withDescriptor(path, .readOnly) { fd in
            // The kernel writes a replace target's superblock with bios that bypass the block
            // device's page cache: drop clean cached pages first, or a page read earlier (zeros)
            // would hide it. Advice only: its failure changes nothing that is read.
            _ = posix_fadvise(fd.rawValue, 65536, 4096, POSIX_FADV_DONTNEED)
            return try Syscall.mapErrno("cannot read the btrfs superblock of", path) {
                try block.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: 65536, into: $0) }
            }
        }
        guard got == 4096, Array(block[64..<72]) == magic else { return nil }
        // struct btrfs_super_block: fsid at 32, generation at 72, num_devices at 136, dev_item at 201 (its devid
        // first, little-endian, then total_bytes; its uuid 66 bytes in).
        func number(at offset: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(block[offset + $1]) << (8 * UInt64($1)) } }
        let fsid: [UInt8] = Array(block[32..<48])
        let deviceUUID: [UInt8] = Array(block[267..<283])
        var found = BtrfsSuperblock(fsid: formatUUID(fsid), devid: number(at: 201), deviceUUID: formatUUID(deviceUUID),
                                    numDevices: number(at: 136), generation: number(at: 72))
        found.bytenr = number(at: 48)
        found.deviceBytes = number(at: 209)
        return found
    }
}
