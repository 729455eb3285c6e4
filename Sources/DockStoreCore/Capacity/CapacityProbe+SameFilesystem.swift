/// A second instance of an image store that no name gives away (attack 22 G2): a hard link of the
/// image, or a node of the store's loop device made in another namespace, attached to a loop
/// device and mounted. Root matches such devices by the backing file's device and inode, or by
/// device number; a user who cannot open the loop devices has only the kernel's names. Every user
/// can read what the kernel keeps: a second instance of the same bytes is mounted under a
/// temporary fsid, with the store's on-disk fsid as its `metadata_uuid`.
extension CapacityProbe {
    /// Adds to `secondLoops` the loop devices of every other mounted btrfs whose `metadata_uuid`
    /// is the store's, when the store's loop devices cannot be opened here (otherwise root's
    /// identities decide, and a mounted block copy is `store_copy`, not a second instance).
    /// Unreadable is UNKNOWN.
    static func readSameFilesystemInstances(_ reading: BtrfsReading, sysfs: String, into condition: inout StoreCondition) {
        let loops = reading.devices.filter { !$0.isMissing && $0.path.hasPrefix("/dev/loop") }
        guard !loops.isEmpty else { return }
        do {
            for loop in loops {
                guard case .denied = try LoopDevice.readableStatus(loop.path) else { return }
            }
            let known = Set(condition.secondLoops.map(\.loop) + condition.imageStackedLoops.map(\.loop) + reading.devices.map(\.path))
            for uuid in try BtrfsSysfs.instances(of: reading.uuid, sysfs: sysfs) {
                for name in try BtrfsSysfs.members(uuid: uuid, sysfs: sysfs).sorted() where !known.contains("/dev/\(name)") {
                    condition.secondLoops.append(SiblingLoop(loop: "/dev/\(name)", mounted: true, byMetadataUUID: true))
                }
            }
        } catch {
            condition.unreadable.append("cannot tell whether a second instance of the store is mounted under another name (another btrfs with its metadata_uuid): \(message(error))")
        }
    }
}
