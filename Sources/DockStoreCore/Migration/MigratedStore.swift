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
/// image and the device and provision registers the device before mounting the image, and when
/// the image was renamed away while the mounted store still has it as a member: provision then
/// refuses as for any renamed image, never pointing fstab at a volume that cannot mount alone;
/// attack 23 H1).
public enum MigratedStore {
    public static func device(host: Host, image: HostPath, mountpoint: HostPath) throws -> DeviceSpec? {
        try found(host: host, image: image, mountpoint: mountpoint)?.spec
    }

    /// Where `found` says the store is.
    public struct Found: Sendable, Equatable {
        public var spec: DeviceSpec
        /// To print when a file at the image's name holds another btrfs than the volume fstab's
        /// line names (left alone).
        public var warning: String?
        /// Why the device is looked for when it came from the open migration's journal, for the
        /// refusal when it does not appear (`DeviceRequest.awaitedBecause`).
        public var awaitedBecause: String?
    }

    /// The store's device as `device` finds it.
    public static func found(host: Host, image: HostPath, mountpoint: HostPath) throws -> Found? {
        let imagePath = host.real(image)
        if let journal = try MigrationJournal.read(host: host, mountpoint: mountpoint, image: image) {
            if let status = try FileStatus.of(imagePath), case .signature("btrfs", let uuid, _) = BlockProbe.probe(imagePath) {
                guard let began = journal.imageInode, began != status.inode else { return nil }
                if try renamedImageMounted(journal, image: imagePath) { return nil }
                try refuseCopyAtImageName(journal, image: imagePath, inode: status.inode, uuid: uuid)
                // Another btrfs at the image's name, fstab already on the journal's store (the
                // journal was judged): the store is on the volume; migrate-ebs names that file.
                return Found(spec: try journal.filesystemUUID.map { .filesystemUUID($0) } ?? DeviceSpec(journal.device))
            }
            if try renamedImageMounted(journal, image: imagePath) { return nil }
            if let renamed = try renamedImageStillMember(journal, image: imagePath) {
                throw DockStoreError.refused("the open migration's image \(imagePath) is \(renamed) now (renamed, or hard-linked and its name removed: the journal's inode), and it still holds the store's btrfs \(journal.filesystemUUID ?? "?"): the move has not passed its point of return, so the volume alone holds only part of the store; put the image back under its name (mv -n \(renamed.shellWord) \(imagePath.shellWord); unmount the store first if it was mounted by hand) and re-run; nothing was changed")
            }
            // Attack 27 J5c: with no btrfs at the image's name the journal is followed, and a
            // journal of another store would be waited for without a word of it.
            let journalPath = host.real(MigrationJournal.path)
            let because = "the open migration's journal \(journalPath) records moving the store's btrfs onto \(journal.deviceLabel) and no btrfs is at \(imagePath): if no migration of this store is under way (a journal copied from another machine, or left from a store given up since), remove \(journalPath) and re-run"
            return Found(spec: try journal.filesystemUUID.map { .filesystemUUID($0) } ?? DeviceSpec(journal.device), awaitedBecause: because)
        }
        let fstab = FstabFile(bytes: try FileContents.read(HostPaths.fstab, on: host) ?? [])
        var otherBtrfs: String?
        if let status = try FileStatus.of(imagePath) {
            guard status.kind == .regular else { return nil }
            switch BlockProbe.probe(imagePath) {
            case .signature("btrfs", let found?, _):
                guard let volume = volumeLineUUID(fstab, mountpoint: mountpoint), volume.lowercased() != found.lowercased() else { return nil }
                otherBtrfs = found
            case .signature("btrfs", _, _), .unreadable, .ambivalent: return nil
            default: break
            }
        }
        guard let line = fstab.entries(mountingAt: mountpoint).first?.entry, line.fstype == "btrfs",
              line.source.hasPrefix("UUID=") else { return nil }
        let uuid = String(line.source.dropFirst(5))
        let atImageName = otherBtrfs.map { "\(imagePath) holds another btrfs (\($0)), not that store" } ?? "there is no image"
        guard let node = try BlockProbe.device(withUUID: uuid) else {
            if let interrupted = try InterruptedTeardown.refusal(host: host, mountpoint: mountpoint, uuid: uuid, line: line) { throw interrupted }
            throw DockStoreError.refused("fstab mounts Docker's storage from \(line.source) (a device store, as provision --device and migrate-ebs write it) and \(atImageName), but no device holds that filesystem now: attach the volume and run again; nothing was changed (removing that fstab line gives up that store and the data on it: the next provision makes a new, empty one)")
        }
        let warning = otherBtrfs.map { "\(imagePath) holds another btrfs (\($0)) than the store fstab mounts from \(line.source) (on \(node)); dockstore leaves that file alone: move it away, or delete it when you do not need it" }
        return Found(spec: try DeviceSpec(node), warning: warning)
    }

    /// fstab's line for the mountpoint when it is dockstore's own for a btrfs volume store
    /// (`UUID=`, the ordering option), as migrate-ebs and `provision --device` write it: its
    /// UUID. A btrfs file of another UUID at the image's name is then not the store (a file
    /// migrate-ebs kept there, a restored backup: attack 28 DI2 after the move), and the boot
    /// mounts the volume, as systemd's own mount of that line does.
    static func volumeLineUUID(_ fstab: FstabFile, mountpoint: HostPath) -> String? {
        guard let line = fstab.entries(mountingAt: mountpoint).first?.entry, line.fstype == "btrfs",
              line.source.hasPrefix("UUID="), line.options.contains(ProvisionRequest.orderingOption) else { return nil }
        let uuid = String(line.source.dropFirst(5))
        return uuid.isEmpty ? nil : uuid
    }

    /// Another file than the journal's image at the image's name, holding a btrfs, at a boot
    /// (attack 28 S: a stale copy of the store put there, the newer store renamed beside it, was
    /// mounted, rolled back, with only the open-migration warning). A copy of the store is
    /// mounted by no boot while the migration is open: refused when the journal's image is
    /// still a member under another name (the `mv`s back), and when it is not in the folder at
    /// all (then nothing tells whether the move passed its point of return, nor whether the
    /// copy is current). Past the point of return (the journal's image there, scratched) the
    /// volume is the store and the copy is left alone.
    static func refuseCopyAtImageName(_ journal: MigrationJournal, image: String, inode: UInt64, uuid: String?) throws {
        guard let began = journal.imageInode, let names = try journalImageNames(journal, image: image) else { return }
        let another = "\(image) is another file than the image the open migration began with (inode \(inode), not \(began))"
        if let renamed = try stillMember(names, journal: journal) {
            throw DockStoreError.refused("\(another), and that image is \(renamed) now, still holding the store's btrfs \(journal.filesystemUUID ?? "?"): the move has not passed its point of return, and the file at the image's name may be an older copy; move it aside and put the image back (mv -n \(image.shellWord) \(AsideName.free(image, suffix: ".aside").shellWord); mv -n \(renamed.shellWord) \(image.shellWord)) and re-run; nothing was changed")
        }
        guard names.isEmpty, let recorded = journal.filesystemUUID, uuid?.lowercased() == recorded.lowercased() else { return }
        throw DockStoreError.refused("\(another), a copy of the store (btrfs \(recorded)), and that image is not in \(AtomicFile.parentFolder(of: image)): dockstore cannot tell whether the move passed its point of return, nor whether the copy is current, and mounts neither; put the image back under its name, or move the copy aside if the move had passed it, and re-run; nothing was changed")
    }

    /// The journal's image under another name in the image's folder (the journal's inode on the
    /// folder's filesystem) while it still holds the store's btrfs: not scratched, so still a
    /// member, the move short of its point of return (attack 25 J8: attached by hand, provision
    /// mounted the store through it by UUID and pointed fstab at the volume, which cannot mount
    /// alone). Past the point of return the kernel has scratched its superblock, and a renamed
    /// image is no member (attack 23 H10). A journal without the inode or the UUID cannot
    /// tell: nil, as before they were recorded. A folder or file that cannot be read refuses.
    static func renamedImageStillMember(_ journal: MigrationJournal, image: String) throws -> String? {
        guard let names = try journalImageNames(journal, image: image) else { return nil }
        return try stillMember(names, journal: journal)
    }

    /// The names in the image's folder, other than the image's own, that are the journal's image
    /// (its inode on the folder's filesystem, read without following links); nil when the journal
    /// recorded no inode or the folder is not there. A folder that cannot be listed refuses.
    static func journalImageNames(_ journal: MigrationJournal, image: String) throws -> [String]? {
        guard let inode = journal.imageInode else { return nil }
        let folder = AtomicFile.parentFolder(of: image)
        guard let folderStatus = try FileStatus.following(folder) else { return nil }
        guard let names = SameFileInFolder.names(device: folderStatus.device, inode: inode, in: folder) else {
            throw DockStoreError.refused("cannot look in \(folder) for the open migration's image under another name (the journal's inode \(inode)), so dockstore cannot tell whether the move is past its point of return; make the folder readable and re-run")
        }
        return names.filter { !$0.sameBytes(image) }
    }

    /// The first of `names` that still holds the journal's btrfs (not scratched); one whose
    /// content cannot be read refuses.
    static func stillMember(_ names: [String], journal: MigrationJournal) throws -> String? {
        guard let uuid = journal.filesystemUUID else { return nil }
        for name in names {
            switch BlockProbe.probe(name) {
            case .signature("btrfs", let found?, _) where found.lowercased() == uuid.lowercased(): return name
            case .unreadable(let why):
                throw DockStoreError.refused("\(name) is the open migration's image under another name (the journal's inode \(journal.imageInode.map(String.init) ?? "?")), and its content cannot be read (\(why)), so dockstore cannot tell whether it is still part of the store; make it readable and re-run")
            default: continue
            }
        }
        return nil
    }

    /// A loop device bound to the journal's image inode, on the filesystem holding the image's
    /// folder, is a member of the journal's mounted filesystem (by `/sys/fs/btrfs/<uuid>/devices`,
    /// which the kernel has only while it is mounted): the image is still part of the store under
    /// another name, renamed, or hard-linked with its own name removed, which the kernel marks
    /// "(deleted)" (attack 24 I1). Matched by LOOP_GET_STATUS64's device and inode, else (no node
    /// here) by a stat of the kernel's name. A journal without the inode (older) or the UUID
    /// cannot tell: false, as before it was recorded.
    static func renamedImageMounted(_ journal: MigrationJournal, image: String, sysfs: String = "/sys") throws -> Bool {
        guard let uuid = journal.filesystemUUID, let inode = journal.imageInode,
              let folder = try FileStatus.following(AtomicFile.parentFolder(of: image)) else { return false }
        let devices = "\(sysfs)/fs/btrfs/\(uuid.lowercased())/devices"
        guard try FileStatus.following(devices) != nil else { return false }
        guard let names = FolderEntries.names(devices) else {
            throw DockStoreError.system("cannot list", devices, errno: Errno.current)
        }
        for name in names where name.hasPrefix("loop") {
            if case .read(let status) = try LoopDevice.readableStatus("/dev/\(name)") {
                if let status, status.backingRdevice == 0, status.backingDevice == folder.device, status.backingInode == inode { return true }
                continue
            }
            guard let text = try LoopDevice.backingFileText("\(sysfs)/block/\(name)/loop/backing_file")?.trimmingWhitespace(),
                  !text.hasSuffix(" (deleted)"), !text.sameBytes(image),
                  let file = try FileStatus.following(text), file.kind == .regular else { continue }
            if file.device == folder.device && file.inode == inode { return true }
        }
        return false
    }
}
