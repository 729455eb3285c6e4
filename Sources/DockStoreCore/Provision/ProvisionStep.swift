/// One idempotent step of provisioning.
public enum ProvisionStep: AppliedStep, Equatable {
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

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case allocateImage = "create-image"
        case format
        case formatDevice = "format-device"
        case createMountpoint = "create-mountpoint"
        case mount
        case writeFstab = "fstab"
        case writeDropIn = "drop-in"
        case writeDaemonJSON = "daemon-json"
        case writeSysconfig = "sysconfig"
        case reloadSystemd = "daemon-reload"
        case enableBoot = "enable-boot"

        /// Whether a provision of a device (else of an image) runs this kind of step.
        public func runs(device: Bool) -> Bool {
            switch self {
            case .allocateImage, .format: return !device
            case .formatDevice: return device
            default: return true
            }
        }
    }

    /// The provisioner names the files: the image, and those under its root.
    public typealias Context = Provisioner

    public var kind: Kind {
        switch self {
        case .allocateImage: return .allocateImage
        case .format: return .format
        case .formatDevice: return .formatDevice
        case .createMountpoint: return .createMountpoint
        case .mount: return .mount
        case .writeFstab: return .writeFstab
        case .writeDropIn: return .writeDropIn
        case .writeDaemonJSON: return .writeDaemonJSON
        case .writeSysconfig: return .writeSysconfig
        case .reloadSystemd: return .reloadSystemd
        case .enableBoot: return .enableBoot
        }
    }

    /// The failpoints a provision of an image (or of a device) can reach.
    public static func failpoints(device: Bool) -> [String] {
        Kind.allCases.filter { $0.runs(device: device) }.map(\.rawValue)
    }

    public func plannedWrites(_ provisioner: Provisioner) -> [WritePreflight.PlannedWrite] {
        let host = provisioner.host
        switch self {
        case .allocateImage: return [.init(path: host.real(provisioner.request.image), bytes: 0)]
        case .writeFstab(let bytes, _): return [.init(path: host.real(HostPaths.fstab), bytes: bytes.count)]
        case .writeDropIn(let text, _): return [.init(path: host.real(HostPaths.dockerDropIn), bytes: text.utf8.count)]
        case .writeDaemonJSON(let bytes, _): return [.init(path: host.real(HostPaths.daemonJSON), bytes: bytes.count)]
        case .writeSysconfig(let bytes, _): return [.init(path: host.real(HostPaths.sysconfigDocker), bytes: bytes.count)]
        default: return []
        }
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
