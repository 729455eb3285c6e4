/// The store's image renamed away while mounted (`mv IMAGE IMAGE.old`, perhaps with a copy
/// put at the name): the loop device keeps the renamed file, which the kernel does not mark
/// deleted, so the store runs on as before — but the next boot mounts whatever then has the
/// image's name (a stale copy, or nothing: provision makes a new, empty store). Attack 11 A-7
/// and B05: check said OK, status called the store a "device", provision advised unmounting.
///
/// Seen when no loop member of the btrfs is bound to the configured image (by device and
/// inode) and one is bound to a regular file on the filesystem that holds the image's folder,
/// where a rename leaves it. A file deleted while mounted is `StoreCondition.ImageLink`'s case.
public struct MovedImage: Sendable, Equatable, Codable {
    /// What the image's own path holds now.
    public enum AtImagePath: String, Sendable, Equatable, Codable {
        /// Nothing: provision would make a new, empty image there.
        case nothing
        /// A file carrying the store's btrfs UUID: a copy, made before, that lacks what was written since.
        case copy
        /// Another file, or one that could not be read.
        case otherFile
        /// The image itself, carrying this store's superblock with its magic zeroed: the kernel
        /// let go of it when a device replace or remove moved the store onto the loop device
        /// (attack 13 X14: a plain `btrfs replace` onto a loop device over a file). Nothing was
        /// renamed; fstab still names the image, which no longer holds the store.
        case leftByTheStore
        /// A btrfs of its own (another fsid): either the image renamed away with another btrfs
        /// put at its name, or the image in place and another btrfs mounted by hand from the file
        /// the store runs on. Nothing on disk tells the two apart (attack 52 V F1, 53 W O5: each
        /// advice, given for the other, swaps the stores), so the verdict gives both ways.
        case anotherStore
    }

    /// The loop device the store runs on.
    public var loop: String
    /// Its devid in the store's btrfs.
    public var devid: UInt64 = 1
    /// For a store that left its image: the bytes btrfs claims on that member, the image
    /// file's size, and a loop device already bound to the image (none: one is attached), so
    /// the advice to replace back grows the image first when it must, and is not to attach
    /// a second loop device when it is followed half-way (attack 51 U 4a).
    public var memberBytes: UInt64 = 0
    public var imageBytes: UInt64 = 0
    public var imageLoop: String? = nil
    /// chattr's attributes that keep the image from growing (immutable, append-only), read when
    /// it must grow: "chattr -i -a" first (attack 52 V F9: the truncate failed "Operation not
    /// permitted" and nothing said why); nil when they could not be read.
    public var imageWriteLocked: Bool? = false
    /// For `anotherStore`: the fsid of the btrfs at the image's name, and of the one mounted.
    public var imageUUID: String? = nil
    public var mountedUUID: String? = nil
    /// The file it is bound to now, as the kernel names it (`/sys/block/loopN/loop/backing_file`).
    public var now: String
    /// The image path the store is configured with.
    public var image: String
    public var atImagePath: AtImagePath
    /// Found through an open migration journal: the next boot looks for the store the migration
    /// is moving, which without its image cannot mount, rather than making a new one.
    public var migrationOpen = false
    /// A migration journal is there that this user cannot read (root's 0600 file, for check
    /// without root): whether the next boot makes a new store or refuses for the open
    /// migration only root can tell (attack 25 J5: nobody was told "a new, empty store").
    public var journalNotReadable = false
    /// Where the file at the image's name is moved aside to (`AsideName.free`), looked at when
    /// the move was found.
    public var asideName: String

    public init(loop: String, now: String, image: String, atImagePath: AtImagePath, migrationOpen: Bool = false) {
        self.migrationOpen = migrationOpen
        self.loop = loop
        self.now = now
        self.image = image
        self.atImagePath = atImagePath
        self.asideName = image + ".aside"
    }

    /// For provision and status: the image the btrfs `store` saw at `mountpoint` is configured
    /// with there (`ConfiguredImage`: fstab's line, else DOCKSTORE_IMAGE) moved away from under
    /// it, whatever image the command was asked for: with the settings or `--image` naming
    /// another image, the renamed store is still the one the next boot loses (attack 22 G6, as
    /// G1 for migrate-ebs). A device store on a loop device, or a file mounted by hand where
    /// nothing configures an image, is not a rename.
    static func find(_ store: StoreObservation, host: Host, mountpoint: HostPath) throws -> MovedImage? {
        guard let btrfs = try store.btrfs.value(),
              let configured = try ConfiguredImage.find(host: host, mountpoint: mountpoint, fstab: try store.fstab.value(),
                                                        settings: store.settings) else { return nil }
        return try find(btrfs.reading, image: configured, root: host.root, journal: try store.migrationJournal.value())
    }

    /// Refuses a command that would act on another root's store mounted in the tree, or on a
    /// store whose configured image was renamed away while mounted (reclaim, reclaim --orphans:
    /// attack 23 H8, where "the store is healthy" was said while check said CRITICAL
    /// `image_moved`); the others judge both in their own observation.
    public static func refuseRenamed(host: Host, paths: StorePaths) throws {
        let store = StoreObserver(host: host, image: paths.image, mountpoint: paths.mountpoint, settings: paths.settings).observe([.mount, .files])
        guard let entry = try store.mount(), entry.fstype == "btrfs" else { return }
        // Another root's store mounted in this tree (attack 46 P F5): a balance would run on it.
        if let image = try ConfiguredImage.find(host: host, mountpoint: paths.mountpoint, fstab: try store.fstab.value(), settings: paths.settings),
           let name = try LoopDevice.backingFile(of: entry.source),
           let foreign = try ForeignLoopStore.outside(loop: entry.source, backingName: name, root: host.root, image: image) {
            throw DockStoreError.refused("refusing: \(foreign.verdict(mountpoint: store.mountpoint)); nothing was changed")
        }
        if let moved = try find(store, host: host, mountpoint: paths.mountpoint) {
            throw moved.refusal(mountpoint: store.mountpoint)
        }
        if let other = try OtherStoreMounted.find(store, host: host, mountpoint: paths.mountpoint) {
            throw other.refusal(mountpoint: store.mountpoint)
        }
    }

    /// The image moved away from `image` (a real path) among the loop members of `reading`;
    /// nil when a member is bound to the image, or none to a file where a rename could leave
    /// it. A member whose file the kernel marks deleted is left to the deleted-image rule,
    /// unless another name in that folder still holds the file (`LoopDevice.otherLink`: the
    /// image hard-linked, then its own name removed), which is a rename to that name.
    /// With a migration `journal` open that recorded the image's inode, only a member bound to
    /// that inode counts: the volume may be a loop device over a file too, and once the move is
    /// past its point of return the image is no member at all (attack 23 H10).
    /// A member over a file outside the --root tree `root` is never this tree's image renamed
    /// (attack 46 P F5: "move it back" named another root's live image): `ForeignLoopStore.outside`.
    public static func find(_ reading: BtrfsReading, image: String, root: String, sysfs: String = "/sys",
                            journal: MigrationJournal? = nil) throws -> MovedImage? {
        let imageStatus = try FileStatus.following(image)
        var candidates: [(loop: String, now: String, devid: UInt64, size: UInt64, besideImage: Bool)] = []
        let folder = try FileStatus.following(AtomicFile.parentFolder(of: image))
        for device in reading.devices {
            let name = device.devicePath.split(separator: "/").last.map(String.init) ?? ""
            guard name.hasPrefix("loop"),
                  var text = try LoopDevice.backingFileText("\(sysfs)/block/\(name)/loop/backing_file")?.trimmingWhitespace()
            else { continue }
            if text.hasSuffix(" (deleted)") {
                guard let link = LoopDevice.otherLink(of: device.devicePath, deletedName: String(text.dropLast(" (deleted)".count))) else { return nil }
                text = link
            }
            if text.sameBytes(image) { return nil }
            // Stacked on a block device, or a path this mount namespace does not show: not a rename.
            guard let file = try FileStatus.following(text), file.kind == .regular else { continue }
            if let imageStatus, imageStatus.device == file.device, imageStatus.inode == file.inode { return nil }
            if try ForeignLoopStore.outside(loop: device.devicePath, backingName: text, root: root, image: image) != nil { continue }
            if let inode = journal?.imageInode, file.inode != inode { continue }
            candidates.append((device.devicePath, text, device.devid, device.size, folder?.device == file.device))
        }
        guard let first = candidates.first else { return nil }
        var at = AtImagePath.nothing
        var imageUUID: String? = nil
        let atPath = try FileStatus.of(image)
        if imageStatus != nil || atPath != nil {
            at = .otherFile
            do {
                if imageStatus?.kind == .regular, let block = try? BtrfsSuperblock.read(image) { // unreadable: "another file", which is sure
                    if block.fsid.lowercased() == reading.uuid.lowercased() {
                        at = .copy
                    } else {
                        at = .anotherStore
                        imageUUID = block.fsid
                    }
                } else if imageStatus?.kind == .regular, let scratched = try BtrfsSuperblock.readScratched(image),
                          scratched.fsid.lowercased() == reading.uuid.lowercased() {
                    at = .leftByTheStore
                }
            } catch let error as DockStoreError where error.code == Errno.permissionDenied {
                throw Undecided(loop: first.loop, now: first.now, image: image, cause: error)
            }
        }
        // A rename stays on the image folder's filesystem; a replace that left the image may
        // have gone onto a file anywhere (attack 52 V F5: one on another filesystem, check said OK).
        guard let found = candidates.first(where: { at == .leftByTheStore || $0.besideImage }) else { return nil }
        var moved = MovedImage(loop: found.loop, now: found.now, image: image, atImagePath: at, migrationOpen: journal != nil)
        moved.devid = found.devid
        if at == .anotherStore { (moved.imageUUID, moved.mountedUUID) = (imageUUID, reading.uuid) }
        if at == .copy || at == .otherFile || at == .anotherStore { moved.asideName = AsideName.free(image, suffix: ".aside") }
        if at == .leftByTheStore, let imageStatus {
            moved.memberBytes = found.size
            moved.imageBytes = imageStatus.size
            moved.imageLoop = try LoopDevice.devices(backing: imageStatus, sysBlock: sysfs + "/block").first?.path
            if moved.memberBytes > moved.imageBytes {
                switch Result(catching: { try PathWriteLocks.read(image) }) {
                case .success(let locks): moved.imageWriteLocked = locks.map { $0.immutable || $0.appendOnly } ?? false
                case .failure: moved.imageWriteLocked = nil
                }
            }
        }
        return moved
    }

    /// What the next boot mounts at the image's path.
    var nextBoot: String {
        switch atImagePath {
        case .nothing where migrationOpen:
            return "nothing is at \(image) now, so the next boot cannot mount the store the open migration is moving (part of it, or all, is in that file)"
        case .nothing where journalNotReadable:
            return "nothing is at \(image) now, so the next boot either makes a new, empty store there or, if the migration journal this user cannot read is open, cannot mount the store it is moving (check as root tells which)"
        case .nothing: return "nothing is at \(image) now, so the next boot makes a new, empty store there"
        case .copy: return "\(image) now holds a copy of the store made before (same btrfs UUID), which the next boot would mount without what was written since"
        case .otherFile: return "\(image) now holds another file, which the next boot would mount"
        case .anotherStore: return "\(image), which the next boot mounts, holds another btrfs (\(imageUUID ?? "?"); the one mounted is \(mountedUUID ?? "?")), and one of the two is Docker's store: dockstore cannot tell which"
        case .leftByTheStore: return "fstab still mounts \(image), which the store left (the kernel erased its superblock there when a device replace or remove moved the store), so the next boot would not find the store"
        }
    }

    /// Put the image back under its name before anything unmounts it. A store that left its
    /// image for a loop device over a file goes back onto the image by the same replace: that
    /// file is no volume any boot attaches (attack 50 T C2: migrate-ebs onto it was advised,
    /// after which check said OK and the next boot mounted nothing).
    func putBack(mountpoint: String) -> String {
        let back = "mv -n \(now.shellWord) \(image.shellWord)"
        switch atImagePath {
        case .nothing: return "move it back before unmounting: \(back)"
        case .leftByTheStore:
            let mountpoint = mountpoint.shellWord
            // The replace's target must hold all btrfs claims on the member (device 1 grown after the move).
            let unlock = imageWriteLocked == false ? ""
                : imageWriteLocked == true ? "chattr -i -a \(image.shellWord), which is immutable or append-only, then "
                : "chattr -i -a \(image.shellWord) if lsattr shows i or a on it, then "
            let grow = memberBytes > imageBytes
                ? "grow the image to the \(memberBytes) bytes btrfs claims on device \(devid) (\(unlock)truncate -s \(memberBytes) \(image.shellWord)\(imageLoop.map { ", then losetup -c \($0)" } ?? "")), then " : ""
            let replace = imageLoop.map { "replace device \(devid) with \($0), the image's loop device (btrfs replace start -B \(devid) \($0) \(mountpoint))" }
                ?? "attach the image (losetup -f --show \(image.shellWord)) and replace device \(devid) with that loop device (btrfs replace start -B \(devid) THAT-LOOP-DEVICE \(mountpoint))"
            return "move the store back onto its image, since no boot attaches \(loop): \(grow)\(replace); do not move files"
        case .anotherStore:
            return "if \(now) is the store (the image renamed to it, another btrfs put at its name), move that file aside and the store back before unmounting (mv -n \(image.shellWord) \(asideName.shellWord); mv -n \(now.shellWord) \(image.shellWord)); if \(image) is the store (\(now) mounted there by hand), stop Docker (systemctl stop docker), copy off what it wrote since, unmount it (umount \(mountpoint.shellWord)) and run dockstore provision, which mounts the image"
        case .copy, .otherFile:
            return "move that file aside (mv -n \(image.shellWord) \(asideName.shellWord)), then move the image back before unmounting: mv -n \(now.shellWord) \(image.shellWord)"
        }
    }

    /// check's CRITICAL message.
    public func verdict(mountpoint: String) -> String {
        "\(head) \(loop) at \(mountpoint) runs on \(now); \(nextBoot); \(putBack(mountpoint: mountpoint))"
    }

    var head: String {
        switch atImagePath {
        case .leftByTheStore: return "the store left its image \(image):"
        case .anotherStore: return "the btrfs mounted is not the image \(image):"
        default: return "the image \(image) was moved away while mounted:"
        }
    }

    /// provision's refusal, which status lists as a problem of the image store.
    public func refusal(mountpoint: String) -> DockStoreError {
        let unmounting = atImagePath == .anotherStore ? "" : ", so do not unmount it or reboot"
        return .refused("refusing: \(head) \(loop) at \(mountpoint) runs on \(now); \(nextBoot)\(unmounting); \(putBack(mountpoint: mountpoint)), and re-run")
    }

    /// A member bound to a file beside the image, with the image there but not readable to this
    /// user (root's 0600 file, for check without root): whether the image was renamed away and
    /// another file put at its name, or the store left it for a volume over that file (a
    /// migration past its point of return), only its superblock tells (attack 25 J6: nobody's
    /// UNKNOWN said the store's loop device might not be bound to its image, about a volume).
    public struct Undecided: Error, Sendable {
        public var loop: String
        public var now: String
        public var image: String
        public var cause: DockStoreError

        /// check's UNKNOWN; `journalNotReadable`: the migration journal, which would tell, is not either.
        public func message(journalNotReadable: Bool) -> String {
            "cannot tell whether \(loop), which the store runs on, is the image \(image) renamed to \(now) while mounted (the next boot would mount another file) or a volume the store was moved onto: \(cause.message)\(journalNotReadable ? ", and the migration journal that would tell is not readable to this user either" : ""); check as root tells"
        }
    }
}
