/// One idempotent step of provisioning. Its `id` is also its failpoint name.
public enum ProvisionStep: Sendable, Equatable {
    case allocateImage(size: UInt64, thick: Bool, existing: Bool)
    case format(label: String)
    /// Formats the device, wiping its signatures first when `wipe` (`--force`).
    case formatDevice(filesystem: DeviceFilesystem, uuid: String, wipe: Bool)
    case createMountpoint
    case mount(source: String, fstype: String, options: String)
    case writeFstab(bytes: [UInt8], change: String)
    case writeDropIn(text: String, change: String)
    case writeDaemonJSON(bytes: [UInt8], change: String)
    case writeSysconfig(bytes: [UInt8], change: String)
    case reloadSystemd
    /// Removes /etc/dockstore.disabled, which teardown left.
    case enableBoot

    public var id: String {
        switch self {
        case .allocateImage: return "create-image"
        case .format: return "format"
        case .formatDevice: return "format-device"
        case .createMountpoint: return "create-mountpoint"
        case .mount: return "mount"
        case .writeFstab: return "fstab"
        case .writeDropIn: return "drop-in"
        case .writeDaemonJSON: return "daemon-json"
        case .writeSysconfig: return "sysconfig"
        case .reloadSystemd: return "daemon-reload"
        case .enableBoot: return "enable-boot"
        }
    }

    /// Every step id, in the order steps run; the failpoint list.
    public static let allIDs = ["create-image", "format", "format-device", "create-mountpoint", "mount", "fstab",
                                "drop-in", "daemon-json", "sysconfig", "daemon-reload", "enable-boot"]

    /// The failpoints a provision of an image (or of a device) can reach.
    public static func failpoints(device: Bool) -> [String] {
        allIDs.filter { device ? $0 != "create-image" && $0 != "format" : $0 != "format-device" }
    }

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
        case .formatDevice(let filesystem, let uuid, let wipe):
            let device = request.device?.spec.description ?? "the device"
            return (wipe ? "wipe every signature on \(device), then " : "") + "format \(device) as \(filesystem.rawValue), label '\(request.label)', UUID \(uuid)"
        case .createMountpoint:
            return "create the folder \(host.real(request.mountpoint))"
        case .mount(let source, let fstype, let options):
            return "mount \(source) (\(fstype)) at \(host.real(request.mountpoint)) (\(options))"
        case .writeFstab(_, let change):
            return "\(host.real(HostPaths.fstab)): \(change)"
        case .writeDropIn(_, let change):
            return "\(host.real(HostPaths.dockerDropIn)): \(change)"
        case .writeDaemonJSON(_, let change):
            return "\(host.real(HostPaths.daemonJSON)): \(change)"
        case .writeSysconfig(_, let change):
            return "\(host.real(HostPaths.sysconfigDocker)): \(change)"
        case .reloadSystemd:
            return "systemctl daemon-reload (systemd must see the new fstab line and drop-in)"
        case .enableBoot:
            return "remove \(host.real(HostPaths.bootDisabled)) (left by teardown), so the store is set up at boot again"
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
