#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LoopDevice {
    /// The names of the bound loop devices that show at least one sector of what they are
    /// bound to, for the scans that look for a second view of the store's bytes (`siblings`,
    /// `stacked`). The kernel lists every block device of nonzero capacity in /proc/partitions,
    /// so one read names them (as util-linux's `losetup -a` falls back to); a loop device of
    /// capacity 0 (an offset at or past the file's end) shows no byte, can be neither mounted
    /// nor written, and is left out. Testing /sys/block/loopN/loop for each of the loop devices
    /// /sys/block lists cost check 1.7 ms on a machine with 256 of them (two scans).
    /// A `sysBlock` other than the system's (a test's tree) is listed as a folder instead.
    static func exposingNames(sysBlock: String) throws -> [String] {
        var candidates: [String]
        if sysBlock == "/sys/block" {
            guard let text = try FileContents.readString("/proc/partitions") else {
                throw DockStoreError.system("cannot read", "/proc/partitions", errno: Errno.noSuchFileOrDirectory)
            }
            candidates = text.split(separator: "\n").dropFirst().compactMap { line in
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count == 4, fields[3].hasPrefix("loop") else { return nil }
                return String(fields[3])
            }
        } else {
            guard let names = FolderEntries.names(sysBlock) else {
                throw DockStoreError.system("cannot list", sysBlock, errno: Errno.current)
            }
            candidates = names.filter { $0.hasPrefix("loop") }
        }
        // A partition of a loop device (loop0p1) has no loop/ folder, nor does an unbound one.
        return candidates.sorted().filter { access("\(sysBlock)/\($0)/loop", F_OK) == 0 }
    }
}
