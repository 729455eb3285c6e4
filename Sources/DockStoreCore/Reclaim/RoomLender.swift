/// Lends a store temporary room and takes it back, one `ReclaimStep` at a time. Every step
/// checks the state it acts on at that moment, so a run after a crash at any point finishes
/// lending or giving back; the journal is written before each change that a later run must
/// find again. Every change goes through --root's confined calls: the image is changed only
/// while it is the file its loop device reads, the temporary member's file is reached inside
/// the root, and the btrfs is resized, added to or shrunk only through a descriptor of the
/// mountpoint whose filesystem is still `uuid` (`Host+GrowTargets`, `Host+RoomFile`).
public struct RoomLender: Sendable {
    public let host: Host
    public let mountpoint: String
    public let uuid: String

    public init(host: Host, mountpoint: String, uuid: String) {
        self.host = host
        self.mountpoint = mountpoint
        self.uuid = uuid
    }

    /// Runs one lending or giving-back step on `room`; a lending step records the new
    /// member's identity in `room` and the journal.
    func act(_ kind: ReclaimStep.Kind, room: inout TemporaryRoom, journal: inout ReclaimJournal) throws {
        switch kind {
        case .roomJournal:
            journal.room = room
            try journal.write(host: host)
        case .roomExtend:
            let (image, devid) = try imageRoom(room)
            try host.extendImage(image, to: room.grownSize, behind: try imageLoop(image, devid: devid))
        case .roomLoop:
            let (image, devid) = try imageRoom(room)
            try LoopDevice.refreshCapacity(try imageLoop(image, devid: devid))
        case .roomResize:
            let (_, devid) = try imageRoom(room)
            if try memberSize(devid) < room.grownSize { try host.resizeBtrfs(devid, to: room.grownSize, at: mountpoint, uuid: uuid) }
        case .roomShrink:
            let (image, devid) = try imageRoom(room)
            guard let originalDevice = room.originalDeviceSize else { throw incomplete(room) }
            // Gives back only what it lent, to the member it lent it to: that member is still
            // the loop device over the image, and no bigger than reclaim made it.
            _ = try imageLoop(image, devid: devid)
            let size = try memberSize(devid)
            guard size <= room.grownSize else {
                throw DockStoreError.failed("btrfs device \(devid) of \(mountpoint) is \(ByteSize.format(size)), more than the \(ByteSize.format(room.grownSize)) reclaim grew it to: it was grown since, and reclaim shrinks it by no more than it lent; to keep that size, move the journal \(host.real(ReclaimJournal.path)) aside")
            }
            if size > originalDevice { try host.resizeBtrfs(devid, to: originalDevice, at: mountpoint, uuid: uuid) }
        case .roomTruncate:
            try truncate(room)
        case .roomFile:
            try checkRoomFile(room)
            if try member(room) == nil {
                try ImageFile.allocate(ReclaimJournal.roomFile, on: host, size: room.bytes, thick: false)
            }
        case .roomAdd:
            try checkRoomFile(room)
            if try member(room) == nil { try add(room) }
        case .roomRecord:
            // The file read before and after finding its member: the identity recorded is the
            // one the member's loop device reads.
            let file = try host.statusInRoot(ReclaimJournal.roomFile)
            guard let devid = try member(room), let file, try host.statusInRoot(ReclaimJournal.roomFile) == file else {
                throw DockStoreError.failed("the temporary member over \(room.file ?? "?") is not among the members of \(mountpoint); run dockstore reclaim again")
            }
            room.devid = devid
            room.deviceUUID = try BtrfsFilesystem.deviceUUID(devid, at: mountpoint)
            (room.fileDevice, room.fileInode) = (file.device, file.inode)
            journal.room = room
            try journal.write(host: host)
        case .roomRemove:
            try remove(room)
        case .roomDelete:
            try deleteFile(room)
        case .begin, .balance, .finish, .record:
            return
        }
    }

    /// What the steps read of the store: the planned btrfs only (`PlannedStore`).
    private var store: PlannedStore { PlannedStore(mountpoint: mountpoint, uuid: uuid) }

    // MARK: image

    private func imageRoom(_ room: TemporaryRoom) throws -> (String, UInt64) {
        guard let image = room.image, let devid = room.devid else { throw incomplete(room) }
        return (image, devid)
    }

    private func truncate(_ room: TemporaryRoom) throws {
        let (image, devid) = try imageRoom(room)
        guard let original = room.originalSize else { throw incomplete(room) }
        // Re-read at the moment of cutting: never cut below what btrfs uses of the image.
        let inUse = try memberSize(devid)
        guard inUse <= original else {
            throw DockStoreError.failed("btrfs still uses \(ByteSize.format(inUse)) of \(image), more than its \(ByteSize.format(original)) before reclaim; not shrinking it: run dockstore reclaim again")
        }
        let loop = try imageLoop(image, devid: devid)
        try host.shrinkImage(image, to: original, behind: loop)
        // Also after a crash between the cut and this: the loop device learns the size again.
        try LoopDevice.refreshCapacity(loop)
    }

    /// The loop device of member `devid`, when it is backed by `image`: checked, not assumed.
    private func imageLoop(_ image: String, devid: UInt64) throws -> String {
        let reading = try store.reading()
        guard let member = reading.devices.first(where: { $0.devid == devid }),
              try LoopDevice.backingFile(of: member.path)?.sameBytes(image) == true else {
            throw DockStoreError.failed("btrfs device \(devid) of \(mountpoint) is no longer the loop device over \(image); not resizing anything: check the store (btrfs filesystem show \(mountpoint))")
        }
        return member.path
    }

    private func memberSize(_ devid: UInt64) throws -> UInt64 {
        let reading = try store.reading()
        guard let member = reading.devices.first(where: { $0.devid == devid }) else {
            throw DockStoreError.failed("btrfs device \(devid) is no longer part of \(mountpoint); check the store (btrfs filesystem show \(mountpoint))")
        }
        return member.size
    }

    // MARK: device

    /// The room file is always dockstore's own, resolved inside --root like every other file.
    private func checkRoomFile(_ room: TemporaryRoom) throws {
        guard let file = room.file else { throw incomplete(room) }
        guard file == host.real(ReclaimJournal.roomFile) else {
            throw DockStoreError.refused("the reclaim journal names the room file \(file), not \(host.real(ReclaimJournal.roomFile)); finish or undo that run by hand")
        }
    }

    private func member(_ room: TemporaryRoom) throws -> UInt64? {
        try ReclaimObserver.roomMember(room, try store.figures(), host: host)
    }

    private func add(_ room: TemporaryRoom) throws {
        let file = host.real(ReclaimJournal.roomFile)
        guard let status = try host.statusInRoot(ReclaimJournal.roomFile), status.kind == .regular else {
            throw DockStoreError.failed("\(file), the temporary member's file, is gone or not a regular file; run dockstore reclaim again")
        }
        // Autoclear: once btrfs lets go of it (device remove), the loop device detaches itself.
        let attachment = try host.attachInRoot(ReclaimJournal.roomFile, expected: status)
        defer { attachment.release() }
        guard BlockProbe.probe(attachment.path) == .blank else {
            throw DockStoreError.refused("refusing: the temporary member \(file) is not blank; remove it if no store uses it (btrfs filesystem show)")
        }
        try host.addBtrfsDevice(attachment.path, at: mountpoint, uuid: uuid)
        guard try member(room) != nil else {
            throw DockStoreError.failed("added \(attachment.path) (over \(file)) to \(mountpoint) but cannot find it among its members")
        }
    }

    private func remove(_ room: TemporaryRoom) throws {
        try checkRoomFile(room)
        guard let devid = try member(room) else {
            try noMemberLeft(room, removing: true)
            return
        }
        // Re-check at the moment of removing: the member over our file, with the UUID recorded.
        let now = try BtrfsFilesystem.deviceUUID(devid, at: mountpoint)
        if let recorded = room.deviceUUID, now != recorded {
            throw DockStoreError.failed("btrfs device \(devid) over \(room.file ?? "?") has the device UUID \(now ?? "none"), not the \(recorded) reclaim recorded; not removing it: check the store (btrfs filesystem show \(mountpoint))")
        }
        try host.removeBtrfsDevice(devid, at: mountpoint, uuid: uuid)
    }

    /// No member reads the file at the room file's path now. When the journal recorded the
    /// member reclaim added and it is still in the store (its devid with its device UUID),
    /// another file took the path's place, or ours moved: nothing is removed or deleted.
    private func noMemberLeft(_ room: TemporaryRoom, removing: Bool) throws {
        guard let devid = room.devid, let recorded = room.deviceUUID,
              try store.reading().devices.contains(where: { $0.devid == devid }),
              try BtrfsFilesystem.deviceUUID(devid, at: mountpoint) == recorded else { return }
        let file = host.real(ReclaimJournal.roomFile)
        throw DockStoreError.failed("btrfs device \(devid) of \(mountpoint), the temporary member reclaim added (device UUID \(recorded)), no longer reads \(file): another file took its place or it moved; nothing was \(removing ? "removed or " : "")deleted: put the member's file back (losetup -l shows which file it reads) and run dockstore reclaim again")
    }

    private func deleteFile(_ room: TemporaryRoom) throws {
        try checkRoomFile(room)
        let file = host.real(ReclaimJournal.roomFile)
        guard let status = try host.statusInRoot(ReclaimJournal.roomFile) else {
            try noMemberLeft(room, removing: false)
            return
        }
        guard status.kind == .regular else {
            throw DockStoreError.refused("\(file) is a \(status.kind.rawValue), not the temporary member's file; not deleting it: look at it and re-run")
        }
        if let device = room.fileDevice, let inode = room.fileInode, (status.device, status.inode) != (device, inode) {
            try noMemberLeft(room, removing: false)
            throw DockStoreError.failed("\(file) is not the file reclaim's temporary member read (another file took its place after the member was removed, or it moved); not deleting it: put that file back, or delete \(file) yourself once you know it is not needed, and run dockstore reclaim again")
        }
        // The autoclear loop device detaches once btrfs closes it; the kernel may take a moment.
        var loops = try LoopDevice.devices(backing: status)
        for _ in 0..<50 where !loops.isEmpty {
            MonotonicClock.sleep(0.1)
            loops = try LoopDevice.devices(backing: status)
        }
        for loop in loops {
            // Still bound (an attachment that outlived a crash): only when no btrfs holds it.
            if try member(room) != nil {
                throw DockStoreError.failed("\(loop.path) over \(file) is still a member of \(mountpoint); not deleting the file")
            }
            // dockstore binds the member's loop device with autoclear only: one without it was
            // attached by someone else, who may still use it.
            guard loop.autoclear else {
                throw DockStoreError.failed("\(loop.path) over \(file) was attached by someone else (dockstore's own loop devices detach themselves); not detaching it or deleting the file: detach it (losetup -d \(loop.path)) once it is not needed and run dockstore reclaim again")
            }
            try LoopDevice.detach(loop.path)
        }
        LoopDevice.waitUntilReleased(loops.map(\.path))
        try host.removeFile(ReclaimJournal.roomFile, ifStill: status.device, status.inode, what: "reclaim's temporary member file")
    }

    private func incomplete(_ room: TemporaryRoom) -> DockStoreError {
        DockStoreError.refused("the reclaim journal \(host.real(ReclaimJournal.path)) records \(room.kind.rawValue) room without its file or device; check the store (btrfs filesystem show \(mountpoint)) and move the journal aside")
    }
}
