/// Everything `provision` and `status` need to know about the host, read once. Plain data,
/// so the planner is a pure function that unit tests feed with tables of states.
public struct ProvisionObservation: Sendable, Equatable {
    public enum Image: Sendable, Equatable {
        case missing
        /// Something that is not a regular file (a symlink, a folder, a device…).
        case notRegular(FileStatus.Kind)
        case file(size: UInt64, allocated: UInt64, content: BlockContent)
    }

    public enum Mountpoint: Sendable, Equatable {
        case missing
        case notFolder(FileStatus.Kind)
        case emptyFolder
        /// A folder with entries that is not a mount point; the first few names.
        case nonEmptyFolder([String])
        /// Something is mounted there; `ofImage` when it is a loop device over the image,
        /// `ofDevice` when it is the requested device.
        case mounted(MountEntry, ofImage: Bool, ofDevice: Bool = false)
    }

    public var image: Image
    /// What is at the new image's temporary name (`UnfinishedImage`).
    public var unfinishedImage: UnfinishedImage.Leftover = .none
    /// The UUID a new image is formatted with, drawn when observed so that planning stays pure.
    public var newImageUUID: String = "00000000-0000-4000-8000-000000000000"
    public var imageFolderExists: Bool
    public var mountpoint: Mountpoint
    public var mountpointParentExists: Bool
    /// Real paths where a loop device over the image is mounted.
    public var imageMountedAt: [String]
    /// Every loop device bound to the image file, mounted or not.
    public var imageLoops: [String]
    /// Those of `imageLoops` bound read-only, or to part of the file (an offset or a size
    /// limit), with how: mounting the image through one would not be the store as it is.
    public var unfitImageLoops: [String] = []
    /// The kernel has the image's btrfs (by its UUID) mounted somewhere, in this mount
    /// namespace or another, or is mounting it now (`/sys/fs/btrfs/<uuid>` exists).
    public var imageFilesystemOpen: Bool
    /// The loop device mounted at the mountpoint is backed by the image path, deleted: the
    /// data lives on only while the loop device stays open.
    public var mountedImageDeleted: Bool = false
    /// /etc/dockstore.disabled exists (left by teardown).
    public var bootDisabled: Bool = false
    /// What the running systemd knows of the mountpoint's mount unit; nil without systemd.
    public var mountUnit: SystemdMountUnit?
    /// nil when the file does not exist.
    public var fstab: [UInt8]?
    public var dropIn: String?
    public var sysconfig: [UInt8]?
    public var daemonJSON: [UInt8]?
    /// Free bytes on the filesystem holding the image's folder.
    public var hostAvailable: UInt64?
    /// True when systemd runs the host (so units must be reloaded after an fstab or unit change).
    public var systemdRunning: Bool
    /// For `--device`: what was seen of it.
    public var device: DeviceObservation?

    public init(image: Image = .missing, imageFolderExists: Bool = true, mountpoint: Mountpoint = .missing,
                mountpointParentExists: Bool = true, imageMountedAt: [String] = [], imageLoops: [String] = [],
                imageFilesystemOpen: Bool = false, mountUnit: SystemdMountUnit? = nil, fstab: String? = "",
                dropIn: String? = nil, sysconfig: String? = nil, daemonJSON: String? = nil,
                hostAvailable: UInt64? = nil, systemdRunning: Bool = false, device: DeviceObservation? = nil) {
        self.image = image
        self.imageFolderExists = imageFolderExists
        self.mountpoint = mountpoint
        self.mountpointParentExists = mountpointParentExists
        self.imageMountedAt = imageMountedAt
        self.imageLoops = imageLoops
        self.imageFilesystemOpen = imageFilesystemOpen
        self.mountUnit = mountUnit
        self.fstab = fstab.map { Array($0.utf8) }
        self.dropIn = dropIn
        self.sysconfig = sysconfig.map { Array($0.utf8) }
        self.daemonJSON = daemonJSON.map { Array($0.utf8) }
        self.hostAvailable = hostAvailable
        self.systemdRunning = systemdRunning
        self.device = device
    }
}
