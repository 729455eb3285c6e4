extension GrowObservation {
    /// Grow's input from the store observation: what is mounted and, for btrfs, every member;
    /// `mountpoint` is the path as the user gave it, for messages.
    /// `blockSize` and `backing` are grow's own reads per member (the block device's size, and
    /// for a loop device its image). Refuses when nothing is mounted.
    public init(store: StoreObservation, mountpoint: String, blockSize: (BtrfsReading.Device) throws -> UInt64,
                backing: (BtrfsReading.Device, String) throws -> HostBacking?) throws {
        guard let entry = try store.mount() else {
            throw DockStoreError.refused("nothing is mounted at \(mountpoint); run dockstore provision first")
        }
        guard entry.fstype == "btrfs", let btrfs = try store.btrfs.value() else {
            self.init(mountpoint: mountpoint, fstype: entry.fstype, uuid: nil, devices: [])
            return
        }
        if let missing = btrfs.members.first(where: \.isMissing) {
            throw DockStoreError.refused("device \(missing.devid) of the btrfs at \(mountpoint) is missing (mounted degraded): grow resizes the store's devices and cannot while one is gone; nothing was changed: attach it again and remount, or replace it (btrfs replace start \(missing.devid) NEWDEVICE \(mountpoint.shellWord)), then grow")
        }
        let devices = try btrfs.members.map { member in
            Device(devid: member.devid, path: member.path, btrfsSize: member.size, blockSize: try blockSize(member),
                   image: try backing(member, btrfs.uuid))
        }
        self.init(mountpoint: mountpoint, fstype: "btrfs", uuid: btrfs.uuid, devices: devices)
        reclaimOpen = try store.reclaimOpen.value()
        migration = try store.migrationJournal.value()
        // A thick image is fully allocated and mounted without discard (provision gives it
        // `nodiscard`); mountinfo lists only the discard modes that are on.
        let discards = entry.options.split(separator: ",").contains { $0 == "discard" || $0.hasPrefix("discard=") }
        let images = devices.compactMap(\.image)
        thick = !discards && !images.isEmpty && images.allSatisfy { $0.allocatedBytes >= $0.apparentBytes }
    }

    /// Refuses to grow another root's store (`ForeignLoopStore`), or a store whose image was
    /// deleted, replaced or moved away while mounted (attack 11 A-13): the loop device runs on a
    /// file that is not the image, so there is no image to extend and no device to enlarge;
    /// grow says what check and provision say (do not unmount; copy the data out, or move the
    /// image back) instead of calling it a device.
    /// The reads are check's (`CapacityProbe.hostBacking`, `readMovedImage`); one it cannot
    /// make leaves the refusal to grow's own reads.
    static func refuseLostImage(_ store: StoreObservation, mountpoint: String) throws {
        guard let entry = try store.mount(), entry.fstype == "btrfs", let btrfs = try store.btrfs.value() else { return }
        var condition = StoreCondition()
        _ = CapacityProbe.hostBacking(btrfs.reading, sysfs: "/sys", root: store.root, into: &condition)
        CapacityProbe.readForeignLoop(store, into: &condition)
        if let image = condition.image, let verdict = image.verdict(mountpoint: mountpoint) {
            throw DockStoreError.refused("refusing to grow: \(verdict)")
        }
        if let foreign = condition.foreignLoop {
            throw DockStoreError.refused("refusing to grow: \(foreign.verdict(mountpoint: mountpoint))")
        }
        CapacityProbe.readMovedImage(btrfs.reading, configured: store.configuredImage, journal: store.migrationJournal, root: store.root, sysfs: "/sys", into: &condition)
        if let moved = condition.movedImage { throw moved.refusal(mountpoint: mountpoint) }
        // Attack 53 W O1: grow extended the file of a btrfs check calls no store of this image.
        if let other = condition.otherStoreMounted {
            throw DockStoreError.refused("refusing to grow: \(other.verdict(mountpoint: mountpoint)); nothing was changed")
        }
    }
}
