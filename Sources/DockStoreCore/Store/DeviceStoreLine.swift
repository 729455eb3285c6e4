/// dockstore's fstab line for a store on an xfs or ext4 device, as `provision --device DEV
/// --fs xfs|ext4` writes it: the filesystem named by `UUID=`, its type, and dockstore's
/// ordering option (`x-systemd.before=dockstore-provision.service`), which marks the line as
/// the one dockstore wrote. A plain `provision` (what dockstore-provision.service runs at
/// every boot, with no device named) finds that store by it, as it finds a btrfs device store
/// by its `UUID=` line (`MigratedStore`), and mounts it when it is not mounted; it never
/// formats the device it finds this way (`ProvisionRequest.recordedInFstab`).
///
/// btrfs lines are `MigratedStore`'s (migrate-ebs writes them, and an image holding the
/// store's btrfs comes first there); an admin's own xfs or ext4 line without the ordering
/// option is not taken as the store (provision then refuses it as a line in the way).
public struct DeviceStoreLine: Sendable, Equatable {
    public var uuid: String
    public var filesystem: DeviceFilesystem

    public init(uuid: String, filesystem: DeviceFilesystem) {
        self.uuid = uuid
        self.filesystem = filesystem
    }

    /// The first line of `fstab` mounting at `mountpoint`, when it is dockstore's xfs or ext4
    /// device store line.
    public static func find(in fstab: FstabFile, mountpoint: HostPath) -> DeviceStoreLine? {
        guard let entry = fstab.entries(mountingAt: mountpoint).first?.entry,
              let filesystem = DeviceFilesystem(rawValue: entry.fstype), filesystem != .btrfs,
              entry.source.hasPrefix("UUID="), entry.options.contains(ProvisionRequest.orderingOption) else { return nil }
        let uuid = String(entry.source.dropFirst(5))
        guard !uuid.isEmpty else { return nil }
        return DeviceStoreLine(uuid: uuid, filesystem: filesystem)
    }

    /// The line in `host`'s fstab, read now.
    public static func find(host: Host, mountpoint: HostPath) throws -> DeviceStoreLine? {
        find(in: FstabFile(bytes: try FileContents.read(HostPaths.fstab, on: host) ?? []), mountpoint: mountpoint)
    }
}
