/// After a reboot in the middle of `dockstore reclaim` on a device store, its temporary
/// member — a loop device over a file on the host — is not attached, and without it the
/// store does not mount. Provision attaches the file and registers it with btrfs before
/// mounting, as udev registers a disk (the file looked at and attached inside --root); the
/// next `dockstore reclaim` gives the room back.
enum ReclaimRoomAtBoot {
    /// The attachment to hold until the mount is done (it detaches itself once btrfs lets
    /// go of it); nil when there is nothing to attach, or it is attached already.
    static func attach(host: Host) throws -> LoopAttachment? {
        guard let journal = try ReclaimJournal.read(host: host), let room = journal.room, room.kind == .device,
              room.file != nil, let status = try host.statusInRoot(ReclaimJournal.roomFile), status.kind == .regular else { return nil }
        if let bound = try LoopDevice.devices(backing: status).first {
            try BtrfsControl.scan(bound.path)
            return nil
        }
        let attachment = try host.attachInRoot(ReclaimJournal.roomFile, expected: status)
        // Only a member of the journal's store (a crash before the add leaves a blank file).
        guard case .signature("btrfs", let uuid?, _) = BlockProbe.probe(attachment.path), uuid == journal.filesystemUUID else {
            attachment.release()
            return nil
        }
        try BtrfsControl.scan(attachment.path)
        return attachment
    }
}
