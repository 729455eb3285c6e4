/// One idempotent step of provisioning. Its `id` is also its failpoint name.
public enum ProvisionStep: Sendable, Equatable {
    case allocateImage(size: UInt64, thick: Bool, existing: Bool)
    case format(label: String)
    case createMountpoint
    case mount(options: String)
    case writeFstab(text: String, change: String)
    case writeDropIn(text: String, change: String)
    case writeSysconfig(text: String, change: String)
    case reloadSystemd

    public var id: String {
        switch self {
        case .allocateImage: return "create-image"
        case .format: return "format"
        case .createMountpoint: return "create-mountpoint"
        case .mount: return "mount"
        case .writeFstab: return "fstab"
        case .writeDropIn: return "drop-in"
        case .writeSysconfig: return "sysconfig"
        case .reloadSystemd: return "daemon-reload"
        }
    }

    /// Every step id, in the order steps run; the failpoint list.
    public static let allIDs = ["create-image", "format", "create-mountpoint", "mount", "fstab", "drop-in",
                                "sysconfig", "daemon-reload"]

    public func describe(_ request: ProvisionRequest, _ host: Host) -> String {
        let image = host.real(request.image)
        switch self {
        case .allocateImage(let size, let thick, let existing):
            let how = thick ? "preallocated (fallocate)" : "sparse (ftruncate)"
            return existing
                ? "size the blank file \(image) to \(ByteSize.format(size)), \(how), mode 0600"
                : "create \(image): \(ByteSize.format(size)) \(how), mode 0600"
        case .format(let label):
            return "format \(image) as btrfs, label '\(label)' (mkfs.btrfs)"
        case .createMountpoint:
            return "create the folder \(host.real(request.mountpoint))"
        case .mount(let options):
            return "mount \(image) at \(host.real(request.mountpoint)) (\(options))"
        case .writeFstab(_, let change):
            return "\(host.real(HostPaths.fstab)): \(change)"
        case .writeDropIn(_, let change):
            return "\(host.real(HostPaths.dockerDropIn)): \(change)"
        case .writeSysconfig(_, let change):
            return "\(host.real(HostPaths.sysconfigDocker)): \(change)"
        case .reloadSystemd:
            return "systemctl daemon-reload (systemd must see the new fstab line and drop-in)"
        }
    }
}

/// The outcome of planning: the steps to run (none when all is in place) and warnings
/// for the operator.
public struct ProvisionPlan: Sendable, Equatable {
    public var steps: [ProvisionStep]
    public var warnings: [String]

    public var isEmpty: Bool { steps.isEmpty }
}
