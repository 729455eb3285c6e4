/// One idempotent step of provisioning.
public enum ProvisionStep: AppliedStep, Equatable {
    /// Writes `ProvisionFolderRecord` (the folders recorded before plus those this run may
    /// create), ahead of every step that makes a folder, while the record is still what the
    /// plan read (`basis`).
    case recordFolders(folders: [HostPath], basis: FileBasis)
    /// Removes `<image>.dockstore-new` (`UnfinishedImage`) that a killed run left, while it is
    /// still the file seen.
    case removeUnfinishedImage(device: UInt64, inode: UInt64, allocated: UInt64)
    /// Creates a new image under its temporary name, or (`existing`) sizes a blank file at the
    /// image's own name.
    case allocateImage(size: UInt64, thick: Bool, existing: Bool)
    /// Formats the new image under its temporary name (`newImage`), else the blank image in place.
    case format(label: String, uuid: String, newImage: Bool)
    /// Checks the new image holds the btrfs with `uuid`, then renames it onto the image's name.
    case installImage(uuid: String)
    /// Writes the format's write-ahead record (`FormatRecord`) for the blank device, right
    /// before `formatDevice`, so a run killed inside mkfs is finished by the next one.
    /// `replacing`: a record of another device's killed format, not attached, which this one gives up.
    case recordFormat(FormatRecord, replacing: FormatRecord? = nil)
    /// Formats the device, wiping its signatures first when `wipe` (`--force`); `volumeID` is
    /// the EBS volume the plan saw there (nil for a device without one), re-checked before it acts.
    case formatDevice(filesystem: DeviceFilesystem, uuid: String, wipe: Bool, volumeID: EBSVolumeID?)
    case createMountpoint
    case mount(source: String, fstype: String, options: String)
    /// The file steps carry the file as the plan read it (`basis`); the write refuses when
    /// another program changed it since (`FileBasis`).
    case writeFstab(bytes: [UInt8], change: String, basis: FileBasis)
    case writeDropIn(text: String, change: String, basis: FileBasis)
    /// Writes the mount unit's drop-in (`MountDropIn`) for an image store, or removes dockstore's
    /// (`text` nil) where the store's line mounts a device. `path` is the drop-in of the unit
    /// the plan observed (systemd names it after the resolved mountpoint, `Host.unitPath`); the
    /// write refuses when the mountpoint resolves to another unit by then.
    case writeMountDropIn(path: HostPath, text: String?, change: String, basis: FileBasis)
    case writeDaemonJSON(bytes: [UInt8], change: String, basis: FileBasis)
    case writeSysconfig(bytes: [UInt8], change: String, basis: FileBasis)
    /// /etc/sysconfig/dockstore names the mountpoint (image) given on the command line only (`BootSettingsEdit`).
    case writeBootSettings(bytes: [UInt8], change: String, basis: FileBasis)
    case reloadSystemd
    /// `systemctl start --no-block docker.service`: its start failed in this boot on the old
    /// drop-in's requirement of the store's mount, which provision repaired (attack 15, Y5).
    case startDocker
    /// Removes the format record once the filesystem it names (`uuid`) is on the device and
    /// the fstab line names it; `superseded` when the format it records is not this run's (a
    /// `--force` format replaced it).
    case forgetFormat(uuid: String, superseded: Bool = false)
    /// Removes /etc/dockstore.disabled, which teardown left.
    case enableBoot

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case recordFolders = "folder-record"
        case writeBootSettings = "boot-settings"
        case removeUnfinishedImage = "remove-unfinished-image"
        case allocateImage = "create-image"
        case format
        case installImage = "install-image"
        case recordFormat = "format-record"
        case formatDevice = "format-device"
        case createMountpoint = "create-mountpoint"
        case mount
        case writeFstab = "fstab"
        case forgetFormat = "forget-format-record"
        case writeDropIn = "drop-in"
        case writeMountDropIn = "mount-drop-in"
        case writeDaemonJSON = "daemon-json"
        case writeSysconfig = "sysconfig"
        case reloadSystemd = "daemon-reload"
        case startDocker = "start-docker"
        case enableBoot = "enable-boot"

        /// The failpoints inside the step: folder-record's between making the record's missing
        /// folders under a temporary name and renaming them into place.
        public var inner: [String] { self == .recordFolders ? [ProvisionFolderRecord.newFolderFailpoint] : [] }

        /// Whether a provision of a device (else of an image) runs this kind of step.
        public func runs(device: Bool) -> Bool {
            switch self {
            case .removeUnfinishedImage, .allocateImage, .format, .installImage: return !device
            case .recordFormat, .formatDevice, .forgetFormat: return device
            // A device's provision only removes one an image store left.
            case .writeMountDropIn: return !device
            default: return true
            }
        }
    }

    /// The provisioner names the files: the image, and those under its root.
    public typealias Context = Provisioner

    public var kind: Kind {
        switch self {
        case .recordFolders: return .recordFolders
        case .removeUnfinishedImage: return .removeUnfinishedImage
        case .allocateImage: return .allocateImage
        case .format: return .format
        case .installImage: return .installImage
        case .recordFormat: return .recordFormat
        case .formatDevice: return .formatDevice
        case .forgetFormat: return .forgetFormat
        case .createMountpoint: return .createMountpoint
        case .mount: return .mount
        case .writeFstab: return .writeFstab
        case .writeDropIn: return .writeDropIn
        case .writeMountDropIn: return .writeMountDropIn
        case .writeDaemonJSON: return .writeDaemonJSON
        case .writeSysconfig: return .writeSysconfig
        case .writeBootSettings: return .writeBootSettings
        case .reloadSystemd: return .reloadSystemd
        case .startDocker: return .startDocker
        case .enableBoot: return .enableBoot
        }
    }

    /// The failpoints a provision of an image (or of a device) can reach, each step's inner
    /// ones before its own.
    public static func failpoints(device: Bool) -> [String] {
        Kind.allCases.filter { $0.runs(device: device) }.flatMap { $0.inner + [$0.rawValue] }
    }

    /// Every file and folder a step writes, with the folder it goes into (checked inside
    /// --root before the first step acts, as the write will resolve it).
    public func plannedWrites(_ provisioner: Provisioner) -> [WritePreflight.PlannedWrite] {
        let host = provisioner.host
        let request = provisioner.request
        switch self {
        case .recordFolders(let folders, _):
            let path = ProvisionFolderRecord.path
            return [.inRoot(path, on: host, bytes: ProvisionFolderRecord.render(folders).count, makesFolders: true).renaming(path, on: host, backup: false)]
        case .removeUnfinishedImage: return [.removal(provisioner.unfinishedImage.path, on: host)]
        case .allocateImage(_, _, let existing):
            return [.inRoot(existing ? request.image : provisioner.unfinishedImage.path, on: host, bytes: 0, makesFolders: false)]
        case .recordFormat:
            let path = FormatRecord.path
            return [.inRoot(path, on: host, bytes: FormatRecord.roomBytes, makesFolders: true).renaming(path, on: host, backup: false)]
        case .forgetFormat: return [.removal(FormatRecord.path, on: host)]
        case .createMountpoint: return [.inRoot(request.mountpoint, on: host, bytes: 0, makesFolders: false)]
        case .writeFstab(let bytes, _, _):
            return [.inRoot(HostPaths.fstab, on: host, bytes: bytes.count, makesFolders: true).renaming(HostPaths.fstab, on: host, backup: true)]
        case .writeDropIn(let text, _, _):
            return [.inRoot(HostPaths.dockerDropIn, on: host, bytes: text.utf8.count, makesFolders: true).renaming(HostPaths.dockerDropIn, on: host, backup: false)]
        case .writeMountDropIn(let path, let text, _, _):
            guard let text else { return [.removal(path, on: host)] }
            return [.inRoot(path, on: host, bytes: text.utf8.count, makesFolders: true).renaming(path, on: host, backup: false)]
        case .writeDaemonJSON(let bytes, _, let basis):
            return [.inRoot(DaemonJSONRecord.path, on: host, bytes: basis.bytes?.count ?? 0, makesFolders: true).renaming(DaemonJSONRecord.path, on: host, backup: false),
                    .inRoot(HostPaths.daemonJSON, on: host, bytes: bytes.count, makesFolders: false).renaming(HostPaths.daemonJSON, on: host, backup: true)]
        case .writeSysconfig(let bytes, _, _):
            return [.inRoot(HostPaths.sysconfigDocker, on: host, bytes: bytes.count, makesFolders: true).renaming(HostPaths.sysconfigDocker, on: host, backup: true)]
        case .writeBootSettings(let bytes, _, _):
            return [.inRoot(ProvisionSettings.path, on: host, bytes: bytes.count, makesFolders: true).renaming(ProvisionSettings.path, on: host, backup: true)]
        default: return []
        }
    }

    public func describe(_ request: ProvisionRequest, _ host: Host) -> String {
        let image = host.real(request.image)
        let temporary = host.real(UnfinishedImage(host: host, image: request.image).path)
        switch self {
        case .recordFolders(let folders, _):
            return "record in \(host.real(ProvisionFolderRecord.path)), before any is made, the folders provision creates (teardown removes them while empty): \(folders.map { host.real($0) }.joined(separator: ", "))"
        case .removeUnfinishedImage(_, _, let allocated):
            return "remove \(temporary) (an image a killed provision left unfinished" + (allocated > 0 ? ", \(ByteSize.format(allocated)) allocated)" : ")")
        case .allocateImage(let size, let thick, let existing):
            let how = thick ? "preallocated (fallocate)" : "sparse (ftruncate)"
            return existing
                ? "size the blank file \(image) to \(ByteSize.format(size)), \(how), mode 0600"
                : "create the new image as \(temporary): \(ByteSize.format(size)) \(how), mode 0600"
        case .format(let label, let uuid, let newImage):
            return "format \(newImage ? temporary : image) as btrfs, label '\(label)', UUID \(uuid) (mkfs.btrfs)"
        case .installImage(let uuid):
            return "check that \(temporary) holds the btrfs \(uuid) (libblkid), then rename it to \(image)"
        case .recordFormat(let record, let replacing):
            let device = request.device?.spec.description ?? "the device"
            let given = replacing.map { "; it replaces the record of the killed format of \($0.device) (\($0.identity.summary), not attached), which is given up" } ?? ""
            return "record in \(host.real(FormatRecord.path)), before formatting, that \(device) (\(record.identity.summary), \(record.size) bytes) is being formatted as \(record.filesystem) UUID \(record.uuid), so a run killed inside mkfs is finished by the next\(given)"
        case .forgetFormat(let uuid, let superseded):
            return "remove \(host.real(FormatRecord.path)): the format it records (UUID \(uuid)) is " + (superseded ? "superseded by this forced format" : "done")
        case .formatDevice(let filesystem, let uuid, let wipe, _):
            let device = request.device?.spec.description ?? "the device"
            return (wipe ? "wipe every signature on \(device), then " : "") + "format \(device) as \(filesystem.rawValue), label '\(request.label)', UUID \(uuid)"
        case .createMountpoint:
            return "create the folder \(host.real(request.mountpoint))"
        case .mount(let source, let fstype, let options):
            return "mount \(source) (\(fstype)) at \(host.real(request.mountpoint)) (\(options))"
        case .writeFstab(_, let change, _):
            return "\(host.real(HostPaths.fstab)): \(change)"
        case .writeDropIn(_, let change, _):
            return "\(host.real(HostPaths.dockerDropIn)): \(change)"
        case .writeMountDropIn(let path, _, let change, _):
            return "\(host.real(path)): \(change)"
        case .writeDaemonJSON(_, let change, _):
            return "\(host.real(HostPaths.daemonJSON)): \(change); the file as it was goes first to \(host.real(DaemonJSONRecord.path)), for teardown to give back"
        case .writeSysconfig(_, let change, _):
            return "\(host.real(HostPaths.sysconfigDocker)): \(change)"
        case .writeBootSettings(_, let change, _):
            return "\(host.real(ProvisionSettings.path)): \(change)"
        case .reloadSystemd:
            return "systemctl daemon-reload (systemd must see the new fstab line and drop-ins)"
        case .startDocker:
            return "systemctl start --no-block docker.service: its start failed in this boot, before provision repaired the store, on the older drop-in's requirement of the store's mount"
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
