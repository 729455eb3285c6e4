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
    public var unfinishedImage: UnfinishedImage.Leftover
    /// The UUID a new image is formatted with, drawn when observed so that planning stays pure.
    public var newImageUUID: String
    public var imageFolderExists: Bool
    public var mountpoint: Mountpoint
    public var mountpointParentExists: Bool
    /// Real paths where a loop device over the image is mounted.
    public var imageMountedAt: [String]
    /// Every loop device bound to the image file, mounted or not.
    public var imageLoops: [String]
    /// Those of `imageLoops` bound read-only, or to part of the file (an offset or a size
    /// limit), with how: mounting the image through one would not be the store as it is.
    public var unfitImageLoops: [String]
    /// The image and the devices carrying a copy of its btrfs member (`StoreCopies.ofImage`).
    public var imageCopies: [[StoreCopy]] = []
    /// The kernel has the image's btrfs (by its UUID) mounted somewhere, in this mount
    /// namespace or another, or is mounting it now (`/sys/fs/btrfs/<uuid>` exists).
    public var imageFilesystemOpen: Bool
    /// The mountpoint became a mount point after the mount table was read (a mount racing the
    /// observation): `Provisioner.observeSettled` observes again rather than judge its folder.
    public var mountAppeared = false
    /// The loop device mounted at the mountpoint is backed by the image path, deleted: the
    /// data lives on only while the loop device stays open.
    public var mountedImageDeleted: Bool
    /// The btrfs mounted at the mountpoint runs on a loop device bound to a file the image was
    /// renamed to (`MovedImage`): unmounting would make the next mount use what now has the
    /// image's name. Set by the observer, for an image request.
    public var mountedImageMoved: MovedImage? = nil
    /// The free name beside the mountpoint for its files (`MOUNTPOINT.old`), looked at when it
    /// holds files; the plain name when not observed (a test's observation).
    public var mountpointAside: String? = nil
    /// The bytes the image's btrfs claims on it (its superblock's dev_item), read when the
    /// image is a btrfs that no mount shows: a file cut shorter than that is not mounted by the
    /// kernel (attack 52 V F7: provision failed with mount(2)'s "wrong fs type" and no cause).
    public var imageClaimedBytes: UInt64? = nil
    /// The mounted image deleted or replaced, as check sees it (`StoreCondition.Image`: the
    /// free names beside it, the file now at the name a copy of the store, and how current):
    /// the refusal is check's verdict, so provision, status and check advise alike (attack 52
    /// V F4: status sent the admin round again after check's copy-out was followed).
    public var mountedImageUnlinked: StoreCondition.Image? = nil
    /// Options the store would be mounted with that the kernel's filesystem parser rejects
    /// (`KernelRejectedOptions`), asked whether or not it is mounted now; nil when the kernel cannot tell.
    public var kernelRejectedOptions: KernelRejectedOptions? = nil
    /// What is mounted at the mountpoint is a loop device over another root's file (`ForeignLoopStore`).
    public var mountedForeign: ForeignLoopStore? = nil
    /// For the store's btrfs mounted at the mountpoint: the subvolume the mount shows, its
    /// read-only flag and the data root's attributes (`BtrfsRootState`); nil otherwise.
    public var mountedRoot: BtrfsRootState? = nil
    /// For the store's btrfs mounted at the mountpoint: provision's warnings of members whose
    /// device holds less than btrfs claims on it (`ProvisionPlanner.shrunkDeviceWarnings`).
    public var mountedShrunk: [String] = []
    /// Another filesystem mounted over the store at the mountpoint (`MountedOver`): `mountpoint`
    /// then holds the store's own mount, and provision refuses before anything else.
    public var mountedOver: MountedOver? = nil
    /// fstab's line at the mountpoint mounting another btrfs image than the one asked for
    /// (`OtherImageLine`): a store to take over with --image, not a line to remove.
    public var otherImageLine: OtherImageLine? = nil
    /// dockstore's line for a store at another mountpoint of this root (`FinishedStoreElsewhere`).
    public var finishedStoreElsewhere: FinishedStoreElsewhere? = nil
    /// An fstab folder above the image or the mountpoint with nothing mounted (`UnmountedFstabFolder`).
    public var unmountedFstabFolder: UnmountedFstabFolder? = nil
    /// Where the filesystem holding the image's folder lives in memory (`MemoryFilesystem.holding`):
    /// a tmpfs, or a filesystem on a loop device over a file on one; nil when on a disk.
    public var imageFolderInMemory: String? = nil
    /// The image path and the mountpoint as the kernel reaches them, through the symbolic links
    /// of their folders (inside the root): `StorePlacement` judges these too.
    public var resolvedImage: HostPath? = nil
    public var resolvedMountpoint: HostPath? = nil
    /// The store docker.service's drop-in waits for, mounted where a link on the mountpoint's
    /// path led when provision ran (`RelinkedStore`).
    public var relinkedStore: RelinkedStore? = nil
    /// dockstore's drop-in of the unit docker.service's drop-in waits for, when the mountpoint
    /// resolves to another unit now (`StaleMountDropIn`).
    public var staleMountDropIn: StaleMountDropIn? = nil
    /// The system folder (by device and inode) that holds the image or the mountpoint, when the
    /// path as written is not inside it (`StorePlacement.refuseReached`).
    public var imageSystemFolder: HostPath? = nil
    /// How many names (hard links) the file at the image's name has; 1 when there is none.
    public var imageLinks: UInt64 = 1
    public var mountpointSystemFolder: HostPath? = nil
    /// /etc/dockstore.disabled exists (left by teardown).
    public var bootDisabled: Bool
    /// What the running systemd knows of the mountpoint's mount unit; nil without systemd.
    public var mountUnit: SystemdMountUnit?
    /// nil when the file does not exist.
    public var fstab: [UInt8]?
    /// The docker.service drop-in's bytes; nil when the file does not exist.
    public var dropIn: [UInt8]?
    /// The mount unit's drop-in (`MountDropIn`), as read; nil when there is none.
    public var mountDropIn: [UInt8]?
    /// The mountpoint as systemd names its mount unit (`Host.unitPath`: links resolved inside
    /// the root); nil: the mountpoint as given.
    public var mountUnitPath: HostPath? = nil
    /// The folders of /etc/fstab, the drop-in, /etc/sysconfig/docker and /var/lib/dockstore
    /// that do not exist (`Host.missingFolders`), outermost first: those provision may create,
    /// recorded ahead for teardown (`ProvisionFolderRecord`). Set by the observer after the rest.
    public var missingFolders: [HostPath] = []
    /// `ProvisionFolderRecord`'s bytes; nil when the file does not exist. Set by the observer.
    public var folderRecord: [UInt8]? = nil
    /// Stores dockstore set up that are mounted elsewhere in the root (`StoreElsewhere`);
    /// provision refuses while there is one. Set by the observer.
    public var storesElsewhere: [StoreElsewhere] = []
    /// Loop devices bound to the image besides the store mounted at the mountpoint
    /// (`SecondImageLoop`): a mounted one refuses, an unmounted one warns. Read only while the
    /// image is mounted there. Set by the observer.
    public var secondImageLoops: [SecondImageLoop] = []
    public var sysconfig: [UInt8]?
    /// The bytes of dockerd's config file (`daemonJSONPlace`); nil when it does not exist.
    public var daemonJSON: [UInt8]?
    /// Which file `daemonJSON` is: the one DOCKER_OPTS' --config-file names, else
    /// /etc/docker/daemon.json. Set by the observer.
    public var daemonJSONPlace: DockerdConfigPlace = .standard
    /// Free bytes on the filesystem holding the image's folder.
    public var hostAvailable: UInt64?
    /// The largest file the image's folder allows, when a new image of `--size` would be larger
    /// (`LargestFile`); nil: it fits, or it could not be asked. Only asked when an image is to
    /// be made (none there, or a blank file).
    public var hostLargestFile: UInt64? = nil
    /// True when systemd runs the host (so units must be reloaded after an fstab or unit change).
    public var systemdRunning: Bool
    /// For `--device`: what was seen of it.
    public var device: DeviceObservation?
    /// docker.service as systemd knows it, read only while the drop-in is the older form and
    /// systemd's mount of the store failed in this boot (`ProvisionStep.startDocker`).
    public var dockerService: SystemdService? = nil
    /// Why DOCKER_OPTS in /etc/sysconfig/docker would not reach dockerd, as docker.service's
    /// unit file and drop-ins say (`DockerServiceReading`); empty when it would, or when the
    /// tree has no docker.service.
    public var dockerServiceProblems: [String] = []
    /// /etc/sysconfig/dockstore as read (nil when there is none), and what it sets.
    public var bootSettingsFile: [UInt8]? = nil
    public var bootSettings: ProvisionSettings? = nil
    /// Why the boot would refuse a settings file written now (a folder on its way others can
    /// write: `ProvisionSettings.refuseLooseFolders`); read while there is none.
    public var bootSettingsFolderProblem: String? = nil
    /// Without --device: the record of a `provision --device` killed before it finished.
    public var interruptedDeviceFormat: InterruptedDeviceFormat? = nil

    /// No defaults: every fact is what the observer read (tests build theirs with a helper
    /// of their own).
    public init(image: Image, unfinishedImage: UnfinishedImage.Leftover, newImageUUID: String, imageFolderExists: Bool, mountpoint: Mountpoint, mountpointParentExists: Bool,
                imageMountedAt: [String], imageLoops: [String], unfitImageLoops: [String], imageFilesystemOpen: Bool,
                mountedImageDeleted: Bool, bootDisabled: Bool, mountUnit: SystemdMountUnit?, fstab: [UInt8]?,
                dropIn: [UInt8]?, sysconfig: [UInt8]?, daemonJSON: [UInt8]?, hostAvailable: UInt64?,
                systemdRunning: Bool, device: DeviceObservation?) {
        self.image = image
        self.unfinishedImage = unfinishedImage
        self.newImageUUID = newImageUUID
        self.imageFolderExists = imageFolderExists
        self.mountpoint = mountpoint
        self.mountpointParentExists = mountpointParentExists
        self.imageMountedAt = imageMountedAt
        self.imageLoops = imageLoops
        self.unfitImageLoops = unfitImageLoops
        self.imageFilesystemOpen = imageFilesystemOpen
        self.mountedImageDeleted = mountedImageDeleted
        self.bootDisabled = bootDisabled
        self.mountUnit = mountUnit
        self.fstab = fstab
        self.dropIn = dropIn
        self.sysconfig = sysconfig
        self.daemonJSON = daemonJSON
        self.hostAvailable = hostAvailable
        self.systemdRunning = systemdRunning
        self.device = device
    }
}

extension ProvisionObservation {
    /// The mountpoint of `request` as systemd names its mount unit (`mountUnitPath`).
    func unitPath(_ request: ProvisionRequest) -> HostPath { mountUnitPath ?? request.mountpoint }
}
