/// Lends a store temporary room and takes it back. Every step checks the state it acts
/// on at that moment, so a run after a crash at any point finishes lending or giving back;
/// the journal is written before each change that a later run must find again.
public struct RoomLender: Sendable {
    public let host: Host
    public let mountpoint: String
    public let uuid: String

    public static let lendIDs = ["room-journal", "room-extend", "room-loop", "room-resize", "room-file", "room-add", "room-record"]
    public static let giveBackIDs = ["room-shrink", "room-truncate", "room-remove", "room-delete"]

    public init(host: Host, mountpoint: String, uuid: String) {
        self.host = host
        self.mountpoint = mountpoint
        self.uuid = uuid
    }

    /// Makes (or completes) the room; returns it as recorded, with the new member's identity.
    public func lend(_ room: TemporaryRoom, journal: inout ReclaimJournal, step: (String) -> Void) throws -> TemporaryRoom {
        journal.room = room
        try journal.write(host: host)
        reached("room-journal", step)
        switch room.kind {
        case .image: return try lendImage(room, step: step)
        case .device: return try lendDevice(room, journal: &journal, step: step)
        }
    }

    /// Gives the room back: the store ends the size it was. The journal stays until the
    /// caller removes it.
    public func giveBack(_ room: TemporaryRoom, step: (String) -> Void) throws {
        switch room.kind {
        case .image: try giveBackImage(room, step: step)
        case .device: try giveBackDevice(room, step: step)
        }
    }

    // MARK: image

    private func lendImage(_ room: TemporaryRoom, step: (String) -> Void) throws -> TemporaryRoom {
        guard let image = room.image, let devid = room.devid else { throw incomplete(room) }
        let grown = room.grownSize
        try WritableFile.with(image) { file in
            if file.size < grown { try file.truncate(to: grown, operation: "cannot extend") }
        }
        reached("room-extend", step)
        let loop = try imageLoop(image, devid: devid)
        try refreshCapacity(loop)
        reached("room-loop", step)
        if try memberSize(devid) < grown { try BtrfsFilesystem.resize(devid, to: grown, at: mountpoint) }
        reached("room-resize", step)
        return room
    }

    private func giveBackImage(_ room: TemporaryRoom, step: (String) -> Void) throws {
        guard let image = room.image, let devid = room.devid, let original = room.originalSize,
              let originalDevice = room.originalDeviceSize else { throw incomplete(room) }
        if try memberSize(devid) > originalDevice {
            try BtrfsFilesystem.resize(devid, to: originalDevice, at: mountpoint)
        }
        reached("room-shrink", step)
        // Re-read at the moment of cutting: never cut below what btrfs uses of the image.
        let inUse = try memberSize(devid)
        guard inUse <= original else {
            throw DockStoreError.failed("btrfs still uses \(ByteSize.format(inUse)) of \(image), more than its \(ByteSize.format(original)) before reclaim; not shrinking it: run dockstore reclaim again")
        }
        try WritableFile.with(image) { file in
            if file.size > original { try file.truncate(to: original, operation: "cannot shrink") }
        }
        // Also after a crash between the cut and this: the loop device learns the size again.
        try refreshCapacity(try imageLoop(image, devid: devid))
        reached("room-truncate", step)
    }

    /// The loop device of member `devid`, when it is backed by `image`: checked, not assumed.
    private func imageLoop(_ image: String, devid: UInt64) throws -> String {
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        guard let member = reading.devices.first(where: { $0.devid == devid }),
              try LoopDevice.backingFile(of: member.path) == image else {
            throw DockStoreError.failed("btrfs device \(devid) of \(mountpoint) is no longer the loop device over \(image); not resizing anything: check the store (btrfs filesystem show \(mountpoint))")
        }
        return member.path
    }

    private func refreshCapacity(_ loop: String) throws { try LoopDevice.refreshCapacity(loop) }

    private func memberSize(_ devid: UInt64) throws -> UInt64 {
        let reading = try CapacityProbe.readBtrfs(mountpoint, sysfs: "/sys")
        guard let member = reading.devices.first(where: { $0.devid == devid }) else {
            throw DockStoreError.failed("btrfs device \(devid) is no longer part of \(mountpoint); check the store (btrfs filesystem show \(mountpoint))")
        }
        return member.size
    }

    // MARK: device

    private func lendDevice(_ room: TemporaryRoom, journal: inout ReclaimJournal, step: (String) -> Void) throws -> TemporaryRoom {
        guard let file = room.file else { throw incomplete(room) }
        var room = room
        let figures = try CapacityProbe.read(mountpoint: mountpoint)
        if let devid = try ReclaimObserver.roomMember(room, figures) {
            return try record(&room, devid: devid, journal: &journal, step: step)
        }
        // The room file is always dockstore's own, resolved inside --root like every other file.
        guard file == host.real(ReclaimJournal.roomFile) else {
            throw DockStoreError.refused("the reclaim journal names the room file \(file), not \(host.real(ReclaimJournal.roomFile)); finish or undo that run by hand")
        }
        try ImageFile.allocate(ReclaimJournal.roomFile, on: host, size: room.bytes, thick: false)
        reached("room-file", step)
        // Autoclear: once btrfs lets go of it (device remove), the loop device detaches itself.
        let attachment = try LoopAttachment.attach(file)
        defer { attachment.release() }
        guard BlockProbe.probe(attachment.path) == .blank else {
            throw DockStoreError.refused("refusing: the temporary member \(file) is not blank; remove it if no store uses it (btrfs filesystem show)")
        }
        try BtrfsFilesystem.addDevice(attachment.path, at: mountpoint)
        reached("room-add", step)
        guard let devid = try ReclaimObserver.roomMember(room, try CapacityProbe.read(mountpoint: mountpoint)) else {
            throw DockStoreError.failed("added \(attachment.path) (over \(file)) to \(mountpoint) but cannot find it among its members")
        }
        return try record(&room, devid: devid, journal: &journal, step: step)
    }

    private func record(_ room: inout TemporaryRoom, devid: UInt64, journal: inout ReclaimJournal, step: (String) -> Void) throws -> TemporaryRoom {
        room.devid = devid
        room.deviceUUID = try BtrfsFilesystem.deviceUUID(devid, at: mountpoint)
        journal.room = room
        try journal.write(host: host)
        reached("room-record", step)
        return room
    }

    private func giveBackDevice(_ room: TemporaryRoom, step: (String) -> Void) throws {
        guard let file = room.file else { throw incomplete(room) }
        let figures = try CapacityProbe.read(mountpoint: mountpoint)
        if let devid = try ReclaimObserver.roomMember(room, figures) {
            // Re-check at the moment of removing: the member over our file, with the UUID recorded.
            let now = try BtrfsFilesystem.deviceUUID(devid, at: mountpoint)
            if let recorded = room.deviceUUID, now != recorded {
                throw DockStoreError.failed("btrfs device \(devid) over \(file) has the device UUID \(now ?? "none"), not the \(recorded) reclaim recorded; not removing it: check the store (btrfs filesystem show \(mountpoint))")
            }
            try BtrfsFilesystem.removeDevice(devid, at: mountpoint)
        }
        reached("room-remove", step)
        guard let status = try FileStatus.of(file) else {
            reached("room-delete", step)
            return
        }
        // The autoclear loop device detaches once btrfs closes it; the kernel may take a moment.
        var loops = try LoopDevice.devices(backing: status)
        for _ in 0..<50 where !loops.isEmpty {
            MonotonicClock.sleep(0.1)
            loops = try LoopDevice.devices(backing: status)
        }
        for loop in loops {
            // Still bound (an attachment that outlived a crash): only when no btrfs holds it.
            if try ReclaimObserver.roomMember(room, try CapacityProbe.read(mountpoint: mountpoint)) != nil {
                throw DockStoreError.failed("\(loop.path) over \(file) is still a member of \(mountpoint); not deleting the file")
            }
            try LoopDevice.detach(loop.path)
        }
        guard try LoopDevice.devices(backing: status).isEmpty else {
            throw DockStoreError.failed("\(file) is still attached to a loop device; not deleting it: run dockstore reclaim again")
        }
        try PathCalls.remove(file, operation: "cannot delete")
        try AtomicFile.syncFolder(AtomicFile.parentFolder(of: file))
        reached("room-delete", step)
    }

    private func incomplete(_ room: TemporaryRoom) -> DockStoreError {
        DockStoreError.refused("the reclaim journal \(host.real(ReclaimJournal.path)) records \(room.kind.rawValue) room without its file or device; check the store (btrfs filesystem show \(mountpoint)) and move the journal aside")
    }

    private func reached(_ id: String, _ step: (String) -> Void) {
        step(id)
        Failpoint.reached(id)
    }
}
