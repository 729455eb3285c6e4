/// What an open reclaim journal means for a command that refuses while it is open (teardown,
/// grow): whether the interrupted run lent the store room, read from the room itself, so the
/// refusal never claims room was lent when the run was killed before lending it (attack 11 A-15).
extension ReclaimJournal {
    /// Whether the room an open journal at `host` records was lent (`roomLent`); true when the
    /// journal is gone meanwhile or unreadable counts as lent, the careful answer.
    public static func openRoomLent(host: Host) -> Bool {
        do {
            guard let journal = try read(host: host) else { return true }
            return try journal.roomLent(host: host)
        } catch {
            return true // unreadable: "lent", the careful answer; the command refuses either way
        }
    }

    /// Whether the room this journal records was lent: a temporary member recorded or its
    /// file present (device), or the image larger than before (image). A journal with no
    /// room, or whose room was not made yet, lent nothing. An image that cannot be read
    /// counts as lent: the refusal then says the more careful thing.
    public func roomLent(host: Host) throws -> Bool {
        guard let room else { return false }
        switch room.kind {
        case .device:
            if room.devid != nil { return true }
            return try host.statusInRoot(Self.roomFile) != nil
        case .image:
            guard let image = room.image, let original = room.originalSize else { return true }
            do {
                return try FileStatus.following(image)?.size != original
            } catch {
                return true // unreadable: "lent", the careful answer
            }
        }
    }

    /// The refusal of `command` (what it does, "tear down") while a reclaim journal is open.
    public static func openRefusal(lent: Bool, host: Host, then: String) -> DockStoreError {
        openRefusal(lent: lent, journal: host.real(path), then: then)
    }

    /// The refusal, with the journal's path as it is to be shown.
    public static func openRefusal(lent: Bool, journal: String, then: String) -> DockStoreError {
        if lent {
            return .refused("a dockstore reclaim run lent the store temporary room and has not given it back (\(journal)); run dockstore reclaim to finish it, then \(then)")
        }
        return .refused("a dockstore reclaim run was interrupted before it lent the store any room (its journal \(journal) is there; no temporary member, room file or grown image); run dockstore reclaim to finish it (it closes the journal), then \(then)")
    }
}
