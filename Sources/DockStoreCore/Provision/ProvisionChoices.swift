/// provision's flags combined with /etc/sysconfig/dockstore (`ProvisionFlags.choices(over:)`),
/// before the host is looked at: the executable then settles the device (a settings name that
/// moved at reboot, the device migrate-ebs moved the store to) and asks for the `request`.
public struct ProvisionChoices: Sendable, Equatable {
    /// `--size` and `--thick`: typed with a device store, they are refused (`ProvisionRequest`).
    public var size: UInt64?
    public var thick: Bool
    /// DOCKSTORE_SIZE and DOCKSTORE_THICK describe the image: they apply only when the store is
    /// the image, so an image build's settings still hold after migrate-ebs moved the store.
    public var settingsSize: UInt64?
    public var settingsThick: Bool
    /// `--device`, else DOCKSTORE_DEVICE, with its filesystem, --force, volume id and wait.
    public var device: DeviceRequest?
    /// The device was typed on the command line, so it is taken as meant; one from the
    /// settings is a name baked into an image, which a reboot may have given another volume.
    public var deviceFromCommandLine: Bool
    /// Seconds to wait for a device provision finds itself (where migrate-ebs moved the store).
    public var wait: Double
    public var mountOptions: [String]
    public var driver: StorageDriver?
    public var driverOptions: [StorageOption]

    public init(size: UInt64? = nil, thick: Bool = false, settingsSize: UInt64? = nil, settingsThick: Bool = false,
                device: DeviceRequest? = nil, deviceFromCommandLine: Bool = false, wait: Double = DeviceRequest.defaultWait,
                mountOptions: [String] = [], driver: StorageDriver? = nil, driverOptions: [StorageOption] = []) {
        self.size = size
        self.thick = thick
        self.settingsSize = settingsSize
        self.settingsThick = settingsThick
        self.device = device
        self.deviceFromCommandLine = deviceFromCommandLine
        self.wait = wait
        self.mountOptions = mountOptions
        self.driver = driver
        self.driverOptions = driverOptions
    }

    /// The request for the store on `device` (nil: the image), the device settled from
    /// `self.device`; `followsMigration` when it is the device migrate-ebs moved the store to.
    public func request(image: HostPath, mountpoint: HostPath, device: DeviceRequest?,
                        followsMigration: Bool = false) throws -> ProvisionRequest {
        let onImage = device == nil
        var request = try ProvisionRequest(image: image, mountpoint: mountpoint,
                                           size: size ?? (onImage ? settingsSize : nil),
                                           thick: thick || (onImage && settingsThick), device: device)
        request.followsMigration = followsMigration
        request.sizeFromSettings = size == nil && onImage && settingsSize != nil
        request.extraMountOptions = mountOptions
        request.driver = driver
        request.driverOptions = driverOptions
        return request
    }
}

extension ProvisionChoices {
    /// The request once the device is settled on `host`: a DOCKSTORE_DEVICE kernel name that no
    /// longer holds the store fstab records by UUID gives way to that store (`RecordedStore`,
    /// with the warning to print); with no device named, the device migrate-ebs moved the store
    /// to (`MigratedStore`), else the xfs or ext4 device store dockstore's fstab line names
    /// (`DeviceStoreLine`, waited for by its UUID as `--wait` says). A device typed on the
    /// command line is taken as meant: when it does not hold that store, provision refuses,
    /// naming where the store is.
    public func request(host: Host, paths: StorePaths) throws -> (request: ProvisionRequest, warning: String?) {
        var named = device
        var warning: String?
        if let spec = named?.spec,
           let redirect = try RecordedStore.redirect(host: host, mountpoint: paths.mountpoint, named: spec,
                                                     label: ProvisionRequest.defaultLabel) {
            if !deviceFromCommandLine {
                warning = redirect.warning
                named?.spec = redirect.spec
            } else if let refusal = redirect.commandLineRefusal {
                throw refusal
            }
        }
        if named == nil, let moved = try MigratedStore.found(host: host, image: paths.image, mountpoint: paths.mountpoint) {
            var device = try DeviceRequest(spec: moved.spec, wait: wait)
            device.awaitedBecause = moved.awaitedBecause
            return (try request(image: paths.image, mountpoint: paths.mountpoint, device: device, followsMigration: true), moved.warning)
        }
        if named == nil, let line = try DeviceStoreLine.find(host: host, mountpoint: paths.mountpoint) {
            var recorded = try request(image: paths.image, mountpoint: paths.mountpoint,
                                       device: try DeviceRequest(spec: .filesystemUUID(line.uuid), filesystem: line.filesystem, wait: wait))
            recorded.recordedInFstab = true
            return (recorded, warning)
        }
        return (try request(image: paths.image, mountpoint: paths.mountpoint, device: named), warning)
    }
}
