/// Filesystems kept in memory (tmpfs, ramfs): every boot starts them empty, so a store, an
/// image or a loop device's file on one does not survive a reboot.
public enum MemoryFilesystem {
    public static let names: Set<String> = ["tmpfs", "ramfs"]

    /// The memory filesystem `path` is on (statfs), or nil for any other.
    public static func of(_ path: String) throws -> String? {
        let name = try FilesystemType.of(path, checkDType: false).name
        return names.contains(name) ? name : nil
    }

    /// Where a loop device's bytes live in memory, in words for a message: its file on a tmpfs
    /// or ramfs, or a file on a filesystem that itself lives on a loop device over such a file
    /// (an ext4 in a file in /dev/shm), looked through up to eight loop devices deep. nil when
    /// they do not, when the device is unbound, or when its file's filesystem is in no mount
    /// this namespace shows (a container's, a host's handed in).
    ///
    /// As root the file is found by LOOP_GET_STATUS64's device number in mountinfo, also after it
    /// was deleted or renamed (attack 55 Z 1: a file in /dev/shm deleted after losetup was taken
    /// by its name, which reached nothing); without root, or where the number is no mount's (a
    /// file in a btrfs subvolume has a device number of its own), by the kernel's name of it
    /// (statx's mount id). A loop device over a block device is looked through to that device,
    /// never judged by the folder its node is in.
    static func under(loop path: String, lines: [MountInfoLine], sysBlock: String = "/sys/block", depth: Int = 0) throws -> String? {
        guard depth < 8, let name = LoopDevice.kernelName(path),
              let file = try LoopDevice.sysfsBackingFile(name, sysBlock: sysBlock) else { return nil }
        let deleted = file.hasSuffix(" (deleted)")
        var line: MountInfoLine? = nil
        if CurrentProcess.isRoot, let status = try LoopDevice.status(path) {
            if status.backingRdevice != 0 {
                return try overDevice(status.backingRdevice, lines: lines, sysBlock: sysBlock, depth: depth)
            }
            let numbers = "\(major(status.backingDevice)):\(minor(status.backingDevice))"
            line = lines.first { $0.deviceNumbers == numbers }
        }
        if line == nil, !deleted, let found = try FileStatus.following(file) {
            if found.kind == .blockDevice { return try overDevice(found.rdev, lines: lines, sysBlock: sysBlock, depth: depth) }
            if let id = try MountRoot.mountID(of: file) { line = lines.first { $0.mountID == Substring(String(id)) } }
        }
        guard let line else { return nil }
        if names.contains(line.fstype) { return "\(file) on a \(line.fstype)" }
        guard line.source.hasPrefix("/dev/loop"), let below = try under(loop: line.source, lines: lines, sysBlock: sysBlock, depth: depth + 1) else { return nil }
        return "\(file), on a \(line.fstype) that lives on \(line.source) over \(below)"
    }

    /// Where the filesystem holding `folder` lives in memory, in words: a tmpfs or ramfs, or a
    /// filesystem on a loop device whose bytes do (`under(loop:)`: an ext4 in a file in /dev/shm,
    /// attack 55 Z 3). nil otherwise, or when its mount is not in `lines`.
    static func holding(folder: String, lines: [MountInfoLine], sysBlock: String = "/sys/block") throws -> String? {
        guard let id = try MountRoot.mountID(of: folder), let line = lines.first(where: { $0.mountID == Substring(String(id)) }) else {
            return try of(folder).map { "a \($0)" }
        }
        if names.contains(line.fstype) { return "a \(line.fstype)" }
        guard line.source.hasPrefix("/dev/loop"), let below = try under(loop: line.source, lines: lines, sysBlock: sysBlock) else { return nil }
        return "a \(line.fstype) that lives on \(line.source) over \(below)"
    }

    /// A loop device over the block device `number`: what a loop device under it keeps in memory.
    static func overDevice(_ number: UInt64, lines: [MountInfoLine], sysBlock: String, depth: Int) throws -> String? {
        guard let name = LoopDevice.kernelName(ofNumber: number, sysBlock: sysBlock), name.hasPrefix("loop") else { return nil }
        return try under(loop: "/dev/\(name)", lines: lines, sysBlock: sysBlock, depth: depth + 1).map { "/dev/\(name), a loop device over \($0)" }
    }
}
