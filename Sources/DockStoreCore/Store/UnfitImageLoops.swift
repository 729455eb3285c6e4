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

    /// The unfit loop devices over the file at `image` (a real path), none when it is no regular file.
    public static func find(image: String, sysBlock: String = "/sys/block") throws -> [String] {
        guard let status = try FileStatus.of(image), status.kind == .regular else { return [] }
        return described(try LoopDevice.devices(backing: status, sysBlock: sysBlock), fileSize: status.size, sysBlock: sysBlock)
    }
}
