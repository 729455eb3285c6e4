/// Reads what `dockstore reclaim` plans from: the store's figures as `check` reads them,
/// its members, the journal of an interrupted run, and where temporary room could go.
public struct ReclaimObserver: Sendable {
    public let host: Host
    /// The store's mountpoint (real path).
    public let mountpoint: String
    /// The image a thin store lives in (real path): a loop member over it is an image store.
    public let image: String

    public init(host: Host, mountpoint: String, image: String) {
        self.host = host
        self.mountpoint = mountpoint
        self.image = image
    }

    public func observe() throws -> ReclaimObservation {
        guard let entry = try MountTable.read().mount(at: mountpoint) else {
            throw DockStoreError.refused("nothing is mounted at \(mountpoint): Docker's storage is not there; run dockstore provision first")
        }
        if let refusal = try MountedOver.refusal(at: mountpoint, doing: "reclaim") { throw refusal }
        let roomFile = host.real(ReclaimJournal.roomFile)
        guard entry.fstype == "btrfs" else {
            return ReclaimObservation(mountpoint: mountpoint, fstype: entry.fstype, figures: nil,
                                      members: .device(roomFolderFree: nil, roomFolderOnStore: false), roomFile: roomFile, dataChunkSize: 0)
        }
        var figures = try CapacityProbe.read(mountpoint: mountpoint)
        if let refusal = try NodelessHolder.recordedPathRefusal(figures.devices, mountpoint: mountpoint, doing: "reclaim") { throw refusal }
        if let foreign = figures.condition.unseenLoop, foreign.name.sameBytes(image) {
            throw DockStoreError.refused("refusing to reclaim: \(foreign.verdict(mountpoint: mountpoint))")
        }
        // A single loop member over another file than the image is a volume standing in for a
        // disk (fstab mounts it by UUID): its remedy enlarges that file, not the image.
        let present = figures.devices.filter { !$0.isMissing }
        let loopVolume = try present.count == 1 && present[0].path.hasPrefix("/dev/loop")
            && LoopDevice.backingFile(of: present[0].path).map { !$0.sameBytes(image) } == true
        figures.remedyContext = RemedyContext.read(host: host, figures: figures, deviceStore: loopVolume)
        let uuid = figures.uuid ?? ""
        let journal = try ReclaimJournal.read(host: host)
        let roomMember = try journal?.room.flatMap { try Self.roomMember($0, figures, host: host) }
        let others = figures.devices.filter { $0.devid != roomMember }
        let members: ReclaimObservation.Members
        if others.count != 1 {
            members = .several(others.count)
        } else if let only = others.first, let backing = try LoopDevice.backingFile(of: only.path), backing.sameBytes(image) {
            let single = BtrfsReading(uuid: uuid, spaces: [], devices: [only])
            members = .image(devid: only.devid, backing: CapacityProbe.hostBacking(single, sysfs: "/sys"))
        } else {
            members = try roomFolder(roomFile, uuid: uuid)
        }
        var chunk = CapacityProbe.number("/sys/fs/btrfs/\(uuid)/allocation/data/chunk_size") ?? (1 << 30)
        if figures.deviceSize > 0 { chunk = min(chunk, figures.deviceSize / 10) }
        return ReclaimObservation(mountpoint: mountpoint, fstype: "btrfs", figures: figures, members: members,
                                  journal: journal, roomMember: roomMember, roomFile: roomFile, dataChunkSize: chunk)
    }

    /// The member over the room's file, found by the file's identity (device and inode of
    /// the loop device's backing file, looked at inside --root), never by a loop device's name.
    static func roomMember(_ room: TemporaryRoom, _ figures: CapacityFigures, host: Host) throws -> UInt64? {
        guard room.kind == .device, room.file != nil, let status = try host.statusInRoot(ReclaimJournal.roomFile),
              status.kind == .regular else { return nil }
        for device in figures.devices where device.path.hasPrefix("/dev/loop") {
            guard let loop = try LoopDevice.status(device.path) else { continue }
            if loop.backingDevice == status.device, loop.backingInode == status.inode { return device.devid }
        }
        return nil
    }

    /// The host's free space where the temporary member's file would go, and whether that
    /// folder is on the store itself (then it cannot lend the store room).
    func roomFolder(_ roomFile: String, uuid: String) throws -> ReclaimObservation.Members {
        let folder = try WritePreflight.existingFolder(above: roomFile)
        let onStore: Bool
        do {
            onStore = try BtrfsFilesystem.open(folder).uuid == uuid
        } catch let error as DockStoreError where error.kind == .refused {
            onStore = false
        }
        let free = try HostSpace.of(folder).available
        return .device(roomFolderFree: free, roomFolderOnStore: onStore)
    }
}
