/// What `dockstore provision` is asked to set up (command line merged over defaults).
public struct ProvisionRequest: Sendable, Equatable {
    /// 100 GiB, as SUSE's ECS images have always had it.
    public static let defaultSize: UInt64 = 100 << 30
    /// The smallest image mkfs.btrfs (btrfs-progs 6.x) formats with its default profiles.
    public static let minimumSize: UInt64 = 114_294_784

    public var image: HostPath
    public var mountpoint: HostPath
    public var size: UInt64
    /// True when the size came from the user rather than the default.
    public var sizeGiven: Bool
    /// The size came from DOCKSTORE_SIZE, an image build's first-boot setting, not from
    /// `--size`: once the image exists (grown since, perhaps) it is said only when it asks for
    /// more than the image has (attack 33 T 17: the warning came back at every boot).
    public var sizeFromSettings = false
    public var thick: Bool
    public var label: String
    /// Set for `--device`: the store goes on that device instead of the image.
    public var device: DeviceRequest?
    /// Options added to the fstab line (DOCKSTORE_MOUNT_OPTIONS).
    public var extraMountOptions: [String] = []
    /// A storage driver asked for explicitly (DOCKSTORE_BACKEND); nil: the one that fits the store.
    public var driver: StorageDriver?
    /// Its options (DOCKSTORE_BACKEND_OPTIONS); empty keeps what DOCKER_OPTS has for it.
    public var driverOptions: [StorageOption] = []
    /// The device is where migrate-ebs moved the image's store (`MigratedStore`): an fstab
    /// line that still mounts the image is replaced whole by the device's line.
    public var followsMigration = false
    /// The device is the xfs or ext4 store dockstore's fstab line names (`DeviceStoreLine`),
    /// found by a provision that named no device: it is mounted as it is, never formatted.
    public var recordedInFstab = false

    public init(image: HostPath = HostPaths.defaultImage, mountpoint: HostPath = HostPaths.defaultMountpoint,
                size: UInt64? = nil, thick: Bool = false, device: DeviceRequest? = nil) throws {
        self.image = image
        self.mountpoint = mountpoint
        self.size = size ?? Self.defaultSize
        self.sizeGiven = size != nil
        self.thick = thick
        self.label = Self.defaultLabel
        self.device = device
        if device != nil, size != nil || thick {
            throw DockStoreError.usage("a size (--size, DOCKSTORE_SIZE) and --thick are for the image; a device store takes the whole device")
        }
        try validate()
    }

    func validate() throws {
        if size < Self.minimumSize {
            // Rounded, a size just below the minimum reads like the minimum itself: give bytes then.
            let given = size == 0 ? "0" : ByteSize.format(size) == ByteSize.format(Self.minimumSize) ? "\(size) bytes" : ByteSize.format(size)
            throw DockStoreError.usage("--size \(given) is below \(ByteSize.format(Self.minimumSize)) (\(Self.minimumSize) bytes), the smallest image mkfs.btrfs can format; give a larger --size")
        }
        if !mountpoint.isRoot, !MountUnitName.fits(mountpoint) {
            throw DockStoreError.usage("--mountpoint \(mountpoint) gives a systemd mount unit name longer than \(MountUnitName.maxLength) bytes: docker.service could not be ordered after it, or its drop-in folder (NAME.d) would be longer than a file name may be; give a shorter path")
        }
        if let refusal = StorePlacement.mountpointRefusal(mountpoint, name: "--mountpoint \(mountpoint)") {
            throw DockStoreError.usage(refusal)
        }
        if device == nil, let refusal = StorePlacement.imageRefusal(image, name: "--image \(image)") {
            throw DockStoreError.usage(refusal)
        }
        if device == nil, image.isWithin(mountpoint) {
            throw DockStoreError.usage("--image \(image) lies inside --mountpoint \(mountpoint): the image would be hidden under its own mount; put it outside")
        }
        if device == nil {
            _ = try image.parent.mountOptionValue(what: "the folder of --image")
        }
        if device == nil, mountpoint.isWithin(image) {
            throw DockStoreError.usage("--mountpoint \(mountpoint) lies inside --image \(image); give two separate paths")
        }
    }

    /// Mount options for a loop image: the store stays thin through asynchronous discard
    /// (punching holes into the image), unless it is thick, where discard would undo the
    /// preallocation (kernels since 6.2 turn discard=async on by default, hence `nodiscard`).
    ///
    /// Every store line also carries `x-systemd.before=dockstore-provision.service`: `nofail`
    /// keeps local-fs.target from waiting for the mount, so without it systemd's mount of the
    /// line and provision would start together at every boot. With it, provision starts
    /// after systemd's mount job has finished, whatever the mountpoint is called.
    public var requiredMountOptions: [String] {
        (device != nil ? ["nofail"] : imageMountOptions) + [Self.orderingOption] + extraMountOptions
    }

    /// The btrfs (or ext4, xfs) label of every store dockstore makes.
    public static let defaultLabel = "docker"

    /// The unit that runs `dockstore provision` at boot.
    public static let provisionUnit = "dockstore-provision.service"
    static let orderingOption = "x-systemd.before=\(provisionUnit)"

    /// No `loop`: with it libmount, finding the image missing, takes a loop device whose
    /// backing file merely has the image's name (the kernel gives another root's file on the
    /// same kernel that name too) and mounts that root's live store (attack 20 F3). Without it
    /// libmount sets up a loop device only for a regular file that is there, matched by
    /// inode, and fails the mount of a missing image.
    var imageMountOptions: [String] {
        ["nofail", thick ? "nodiscard" : "discard=async",
         "x-systemd.requires-mounts-for=\(image.parent.string)"]
    }
}
