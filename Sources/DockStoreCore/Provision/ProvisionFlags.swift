/// What `dockstore provision` was given on its command line, as typed: the executable parses
/// its arguments into this and calls `choices(over:)`, the one rule that combines them with
/// /etc/sysconfig/dockstore (table-tested in ProvisionChoicesTests).
public struct ProvisionFlags: Sendable, Equatable {
    public var size: String?
    public var thick: Bool
    public var device: String?
    public var volumeID: String?
    public var filesystem: String?
    public var force: Bool
    public var wait: Double?
    public var mountOptions: String?

    public init(size: String? = nil, thick: Bool = false, device: String? = nil, volumeID: String? = nil,
                filesystem: String? = nil, force: Bool = false, wait: Double? = nil, mountOptions: String? = nil) {
        self.size = size
        self.thick = thick
        self.device = device
        self.volumeID = volumeID
        self.filesystem = filesystem
        self.force = force
        self.wait = wait
        self.mountOptions = mountOptions
    }

    /// Each choice is its flag when given, else its key in `settings`, else the default; a
    /// flag's bad value is refused naming the flag. The device is `--device`, else
    /// DOCKSTORE_DEVICE, and takes --fs, --volume-id and --wait (else their keys) with it;
    /// without a device those flags are refused, as is `--force`, which has no key.
    /// `--mount-options` replaces DOCKSTORE_MOUNT_OPTIONS whole. The storage driver comes from
    /// the settings alone (`dockstore backend` changes it later).
    public func choices(over settings: ProvisionSettings) throws -> ProvisionChoices {
        ProvisionChoices(
            size: try size.map { try ByteSize.parse($0, what: "--size") },
            thick: thick,
            settingsSize: settings.size,
            settingsThick: settings.thick == true,
            device: try deviceRequest(settings),
            deviceFromCommandLine: device != nil,
            wait: settings.wait ?? DeviceRequest.defaultWait,
            mountOptions: try mountOptions.map { try MountOptions.parse($0, what: "--mount-options") } ?? settings.mountOptions,
            driver: settings.backend,
            driverOptions: try settings.driverOptions())
    }

    /// The device from the command line, else from the settings file, with what goes with it.
    func deviceRequest(_ settings: ProvisionSettings) throws -> DeviceRequest? {
        guard let spec = try device.map({ try DeviceSpec($0) }) ?? settings.device else {
            for (given, name) in [(volumeID != nil, "--volume-id"), (filesystem != nil, "--fs"), (force, "--force"), (wait != nil, "--wait")] where given {
                throw DockStoreError.usage("\(name) goes with --device")
            }
            return nil
        }
        let fs = try filesystem.map { text -> DeviceFilesystem in
            guard let fs = DeviceFilesystem(rawValue: text) else {
                throw DockStoreError.usage("--fs '\(text)' is not one of btrfs, xfs, ext4")
            }
            return fs
        } ?? settings.filesystem ?? .btrfs
        return try DeviceRequest(spec: spec, filesystem: fs, force: force,
                                 volumeID: try volumeID.map { try EBSVolumeID(parsing: $0, what: "--volume-id") } ?? settings.volumeID,
                                 wait: wait ?? settings.wait ?? DeviceRequest.defaultWait)
    }
}
