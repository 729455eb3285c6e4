/// Loop devices over the image that the store cannot be mounted through: read-only, from an
/// offset, with a size limit, or shorter than the file although bound to all of it (attached
/// before the image grew: attack 39 T F7). The kernel refuses to mount a btrfs through a device
/// smaller than its records, so provision refuses such a loop device, and check, with nothing
/// mounted, names it as what stops provision.
public enum UnfitImageLoops {
    /// Each unfit loop device with what makes it so, as "/dev/loopN (read-only, offset N, …)".
    /// A loop device's size is the file's in whole 512-byte sectors.
    public static func described(_ loops: [LoopDevice], fileSize size: UInt64, sysBlock: String = "/sys/block") -> [String] {
        let bytes = { (loop: LoopDevice) in LoopDevice.sysfsBytes(String(loop.path.dropFirst("/dev/".count)), sysBlock: sysBlock) }
        let whole = size - size % 512
        return loops.filter { loop in
            !loop.coversWholeFileWritable || bytes(loop).map { $0 < whole } == true
        }.map { loop in
            let short = loop.offset > 0 || loop.sizeLimit > 0 ? nil : bytes(loop).flatMap { $0 < whole ? "\($0) bytes long, shorter than the image's \(size) bytes (attached before it grew): truncated" : nil }
            return "\(loop.path) (\([loop.readOnly ? "read-only" : nil, loop.offset > 0 ? "offset \(loop.offset)" : nil, loop.sizeLimit > 0 ? "size limit \(loop.sizeLimit)" : nil, short].compactMap { $0 }.joined(separator: ", ")))"
        }
    }

    /// provision's refusal for the first unfit loop device, with nothing mounted from the image;
    /// `then`: what to run after the detach.
    public static func refusal(_ unfit: String, image: String, then: String = "re-run") -> String {
        "\(unfit) is bound to \(image) in a way the store cannot be mounted through; detach it (losetup -d \(unfit.split(separator: " ").first ?? "")) and \(then)"
    }

    /// The same for a user who may not open the loop devices (check run by NRPE): each bound
    /// loop device whose file the kernel names `image` in sysfs, which anyone reads (attack 43 P
    /// C11n: without root, check said only "nothing is mounted"). A name may be another mount
    /// namespace's file of that path, which only root tells apart: the description says so.
    public static func findByName(image: String, sysBlock: String = "/sys/block") throws -> [String] {
        guard let status = try FileStatus.of(image), status.kind == .regular else { return [] }
        guard let names = FolderEntries.names(sysBlock) else {
            throw DockStoreError.system("cannot list", sysBlock, errno: Errno.current)
        }
        let loops = try names.filter { $0.hasPrefix("loop") }.sorted().compactMap { name -> LoopDevice? in
            guard let file = try LoopDevice.sysfsBackingFile(name, sysBlock: sysBlock), file.sameBytes(image) else { return nil }
            let number = { (file: String) -> UInt64 in CapacityProbe.number("\(sysBlock)/\(name)/\(file)") ?? 0 }
            return LoopDevice(path: "/dev/\(name)", backingDevice: status.device, backingInode: status.inode, backingName: file,
                              autoclear: false, readOnly: number("ro") == 1, offset: number("loop/offset"), sizeLimit: number("loop/sizelimit"))
        }
        return described(loops, fileSize: status.size, sysBlock: sysBlock).map { $0 + " (matched by the kernel's name of its file; only root can tell it is this image and not a file of that name elsewhere)" }
    }

    /// The unfit loop devices over the file at `image` (a real path), none when it is no regular file.
    public static func find(image: String, sysBlock: String = "/sys/block") throws -> [String] {
        guard let status = try FileStatus.of(image), status.kind == .regular else { return [] }
        return described(try LoopDevice.devices(backing: status, sysBlock: sysBlock), fileSize: status.size, sysBlock: sysBlock)
    }
}
