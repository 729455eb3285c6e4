/// The filesystem holding a loop store's image, when it cannot be written: every block the
/// store has not allocated in the image yet is then a write that fails, and a sparse image
/// has many. ext4 that met an error with `errors=remount-ro` says so only in its superblock
/// options since Linux 6.x (`emergency_ro`, statvfs still saying read-write); a mount with
/// `ro` and a superblock remounted read-only show in statvfs.
public struct HostReadOnly: Sendable, Equatable, Codable {
    /// The folder holding the image.
    public var folder: String
    /// Why: `mount option ro`, or the superblock's read-only option (`ro`, `emergency_ro`).
    public var how: String

    public init(folder: String, how: String) {
        self.folder = folder
        self.how = how
    }

    /// Reads `folder`'s filesystem: statvfs's flag (`readOnly`, already read with its free
    /// space), else the superblock options of its mount in mountinfo, found by device number.
    static func read(folder: String, readOnly: Bool, mountinfo path: String = "/proc/self/mountinfo") throws -> HostReadOnly? {
        guard let status = try FileStatus.following(folder) else { return nil }
        let superblock = MountInfoOptions.superblock(ofDevice: status.device, in: try MountInfoLine.read(path)) ?? []
        if let flag = superblock.first(where: { $0 == "emergency_ro" || $0 == "ro" }) {
            return HostReadOnly(folder: folder, how: "its superblock says \(flag)")
        }
        return readOnly ? HostReadOnly(folder: folder, how: "it is mounted read-only") : nil
    }

    func verdict(image: String, mountpoint: String) -> String {
        "the filesystem holding the image \(image) (\(folder)) is read-only (\(how)): the image cannot take the blocks it has not allocated yet, so Docker's writes to \(mountpoint) fail or are lost; read why (dmesg), repair that filesystem (fsck from a rescue system) and reboot, and stop Docker until then"
    }
}
