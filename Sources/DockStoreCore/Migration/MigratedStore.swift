/// Where the store lives once `migrate-ebs` has moved it, or moved it past the point of
/// return, so that `provision` — which runs on every boot with the image settings it was
/// installed with — brings up the device instead of refusing the blank or missing image.
///
/// - A migration journal exists and the image no longer holds the btrfs (the loop device was
///   removed from the filesystem, which scratches its superblock): the device that holds the
///   journal's filesystem UUID (a journal from before UUIDs were recorded: the device it
///   names, which provision then uses only if it already holds a btrfs — it never formats
///   while following a migration).
/// - No journal, no image holding btrfs (deleted, or kept with `--keep-image` and scratched),
///   and fstab mounts a `UUID=` btrfs at the mountpoint (the line migrate-ebs writes): that UUID.
///
/// Otherwise nil: the image is the store (also mid-migration, when the filesystem spans the
/// image and the device and provision registers the device before mounting the image).
public enum MigratedStore {
    public static func device(host: Host, image: HostPath, mountpoint: HostPath) throws -> DeviceSpec? {
        let imagePath = host.real(image)
        if let journal = try MigrationJournal.read(host: host) {
            if try FileStatus.of(imagePath) != nil, case .signature(let type, _, _) = BlockProbe.probe(imagePath), type == "btrfs" {
                return nil
            }
            if let uuid = journal.filesystemUUID { return .filesystemUUID(uuid) }
            return try DeviceSpec(journal.device)
        }
        if let status = try FileStatus.of(imagePath) {
            guard status.kind == .regular else { return nil }
            switch BlockProbe.probe(imagePath) {
            case .signature("btrfs", _, _), .unreadable, .ambivalent: return nil
            default: break
            }
        }
        let fstab = FstabFile(bytes: try FileContents.read(HostPaths.fstab, on: host) ?? [])
        guard let line = fstab.entries(mountingAt: mountpoint).first?.entry, line.fstype == "btrfs",
              line.source.hasPrefix("UUID=") else { return nil }
        let uuid = String(line.source.dropFirst(5))
        guard let node = try BlockProbe.device(withUUID: uuid) else {
            throw DockStoreError.refused("fstab mounts Docker's storage from \(line.source) (a device store, as provision --device and migrate-ebs write it) and there is no image, but no device holds that filesystem now: attach the volume and run again; nothing was changed (removing that fstab line gives up that store and the data on it: the next provision makes a new, empty one)")
        }
        return try DeviceSpec(node)
    }
}
