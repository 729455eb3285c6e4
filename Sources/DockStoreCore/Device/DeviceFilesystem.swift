/// The filesystem `provision --device` puts on a device, and what follows from it.
public enum DeviceFilesystem: String, Sendable, CaseIterable {
    case btrfs, xfs, ext4

    /// The Docker storage driver the filesystem is meant for.
    public var storageDriver: String { self == .btrfs ? "btrfs" : "overlay2" }

    /// The smallest device the mkfs tool formats (btrfs-progs 6.x, xfsprogs ≥ 5.19).
    public var minimumSize: UInt64 {
        switch self {
        case .btrfs: return ProvisionRequest.minimumSize
        case .xfs: return 300 << 20
        case .ext4: return 16 << 20
        }
    }

    /// fstab's pass field: ext4 is checked at boot; fsck does nothing for btrfs and xfs.
    public var fsckPass: String { self == .ext4 ? "2" : "0" }

    public var package: String {
        switch self {
        case .btrfs: return "btrfs-progs"
        case .xfs: return "xfsprogs"
        case .ext4: return "e2fsprogs"
        }
    }

    /// mkfs with a label and a UUID chosen beforehand (so the plan can show the fstab
    /// line); overlay2 needs d_type, which xfs gives only with ftype=1.
    public func mkfs(device: String, label: String, uuid: String, force: Bool) -> (String, [String]) {
        switch self {
        case .btrfs:
            return ("mkfs.btrfs", ["-q", "-L", label, "-U", uuid] + (force ? ["-f"] : []) + [device])
        case .xfs:
            return ("mkfs.xfs", ["-q", "-L", label, "-m", "uuid=\(uuid)", "-n", "ftype=1"] + (force ? ["-f"] : []) + [device])
        case .ext4:
            return ("mkfs.ext4", ["-q", "-L", label, "-U", uuid] + (force ? ["-F"] : []) + [device])
        }
    }
}
