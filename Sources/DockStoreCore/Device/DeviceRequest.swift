/// What `provision --device` was asked for.
public struct DeviceRequest: Sendable, Equatable {
    public var spec: DeviceSpec
    public var filesystem: DeviceFilesystem
    /// Format even when the device holds a signature (wiping them first). Never overrides
    /// mounted, in use, root disk, read-only, unreadable or ambivalent.
    public var force: Bool
    /// Asserted identity: a device whose serial names another volume is refused.
    public var volumeID: EBSVolumeID?
    /// Seconds to wait for the device node to appear.
    public var wait: Double
    /// Why dockstore looks for this device when nobody named it (an open migration's journal):
    /// said when it does not appear, with what to do if that reason is wrong (attack 27 J5c).
    public var awaitedBecause: String?

    public static let defaultWait: Double = 60

    public init(spec: DeviceSpec, filesystem: DeviceFilesystem = .btrfs, force: Bool = false,
                volumeID: EBSVolumeID? = nil, wait: Double = DeviceRequest.defaultWait) throws {
        guard wait >= 0, wait <= 3600, !wait.isNaN else {
            throw DockStoreError.usage("--wait \(wait) is out of range: give 0 to 3600 seconds")
        }
        self.spec = spec
        self.filesystem = filesystem
        self.force = force
        self.volumeID = volumeID
        self.wait = wait
    }
}
