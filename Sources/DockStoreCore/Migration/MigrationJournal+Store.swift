/// Whether a migration journal can be the store's own (attack 26, L4). A journal records the
/// store's btrfs UUID, which no device add, remove or replace changes, so the store mounted at
/// the mountpoint holds that UUID for as long as the migration is open, and the image holds it
/// or none (the kernel scratches the superblock of a member it lets go). A journal naming
/// another UUID is another store's: copied from another machine, or left from a store given up
/// since. Followed, it would have grow and teardown send the admin to `migrate-ebs`, that plan a
/// replace of this store onto the journal's device, and the boot mount another store's volume.
/// Every command refuses it, and check says it (`migration_journal`), with the same words.
extension MigrationJournal {
    /// The store the journal is judged against, as read now.
    public struct StoreView: Sendable, Equatable {
        /// What is mounted at the mountpoint.
        public enum Mounted: Sendable, Equatable {
            /// `onDisk`: the fsid its superblocks carry when the kernel shows another (a
            /// temporary fsid: `BtrfsSysfs.onDiskFsid`); either is the store's UUID.
            case btrfs(uuid: String, onDisk: String? = nil)
            /// xfs or ext4: a device store, which no migration moves.
            case otherStore(fstype: String)
            /// Nothing, something that is no store (tmpfs, a bind mount of another folder), or
            /// unknown: the image is what is judged.
            case none
        }

        public var mountpoint: String
        public var mounted: Mounted
        public var image: String
        /// The image file's btrfs UUID when it holds a btrfs whose superblock is not scratched.
        public var imageUUID: String?
        /// The image file's inode, to say whether it is the file the migration began with.
        public var imageInode: UInt64?
        /// The `UUID=` of fstab's first line for the mountpoint, when it mounts one (a device
        /// store's line, or the line migrate-ebs writes): judged only while nothing is mounted
        /// and the image holds no btrfs (attack 27 M2: a device store's boot followed another
        /// store's journal to a UUID no device here holds).
        public var fstabUUID: String?

        public init(mountpoint: String, mounted: Mounted, image: String, imageUUID: String? = nil, imageInode: UInt64? = nil,
                    fstabUUID: String? = nil) {
            self.mountpoint = mountpoint
            self.mounted = mounted
            self.image = image
            self.imageUUID = imageUUID
            self.imageInode = imageInode
            self.fstabUUID = fstabUUID
        }
    }

    /// Why this journal cannot be the store's, or nil when it can be (also when a journal from
    /// before UUIDs were recorded cannot tell). The store mounted at the mountpoint holds the
    /// journal's UUID; so does the file at the image's name, or it holds none (scratched, a
    /// copy of another kind, missing): a live btrfs of another UUID there is no image of this
    /// migration, whatever is mounted (attack 27 M4: a btrfs bound over the mountpoint with the
    /// journal's UUID made migrate-ebs point fstab at it and delete the store's image); with
    /// nothing mounted and no btrfs in the image, fstab's `UUID=` line is the store's.
    ///
    /// `holding` lists the devices attached here that carry the journal's btrfs, asked only when
    /// the image holds another one (attack 27 K1: which of the two ways out is true depends on
    /// whether the migration's volume is attached); nil when that could not be read.
    public func foreignReason(_ store: StoreView, journalPath: String, holding: (String) -> [String]? = { _ in nil }) -> String? {
        guard let recorded = filesystemUUID?.lowercased() else { return nil }
        let removeIt = "if no migration of this store is under way (a journal copied from another machine, or left from a store given up since), remove \(journalPath) and re-run (nothing was changed)"
        let records = "\(journalPath) records a migration of the btrfs \(recorded)"
        switch store.mounted {
        case .btrfs(let uuid, let onDisk) where uuid.lowercased() != recorded && onDisk?.lowercased() != recorded:
            return "\(records), but the store mounted at \(store.mountpoint) is the btrfs \(uuid.lowercased()): the journal is not this store's, and dockstore does not act on it; \(removeIt)"
        case .otherStore(let fstype):
            return "\(records), but the store mounted at \(store.mountpoint) is \(fstype), which no migration moves: the journal is not this store's, and dockstore does not act on it; \(removeIt)"
        case .btrfs, .none:
            break
        }
        if let uuid = store.imageUUID?.lowercased(), uuid != recorded {
            var another = ""
            if let began = imageInode, let now = store.imageInode, began != now {
                // Another file than the migration's image, with fstab already on the journal's
                // store: the journal is the store's, and that file only in the way (attack 28
                // DI2; migrate-ebs says to move it aside).
                if store.fstabUUID?.lowercased() == recorded { return nil }
                another = ", another file than the image that migration began with (inode \(now), not \(began))"
            }
            let said = "\(records), but the image \(store.image) holds the btrfs \(uuid)\(another): the journal is not this store's, or that file is not the migration's image, and dockstore does not act on it"
            switch holding(recorded) {
            case let devices? where !devices.isEmpty:
                return "\(said); \(devices.joinedText(" and ")) attached here \(devices.count == 1 ? "holds" : "hold") the btrfs \(recorded), so that migration is this store's: move \(store.image) aside (put the migration's image back there if you still have it) and re-run"
            case _?:
                return "\(said); no device attached here holds the btrfs \(recorded): if that migration is this store's, attach its volume or put its image back at \(store.image) and re-run; \(removeIt)"
            case nil:
                return "\(said); if that migration is this store's, put its image back at \(store.image) and re-run; \(removeIt)"
            }
        }
        if store.mounted == .none, store.imageUUID == nil, let line = store.fstabUUID?.lowercased(), line != recorded {
            return "\(records), but fstab mounts the store at \(store.mountpoint) from UUID=\(line): the journal is not this store's, and dockstore does not act on it; \(removeIt)"
        }
        return nil
    }

    /// Refuses the journal when it cannot be the store's (`foreignReason`).
    public func checkBelongs(to store: StoreView, journalPath: String) throws {
        if let reason = foreignReason(store, journalPath: journalPath, holding: Self.attachedHolding) { throw DockStoreError.refused(reason) }
    }

    /// The block devices attached here whose superblock carries the btrfs `uuid`, read from the
    /// devices themselves (check loads no library); nil when they cannot be listed.
    static func attachedHolding(_ uuid: String) -> [String]? {
        do {
            return try StoreCopies.carrying(uuid: uuid)
        } catch {
            return nil
        }
    }

    /// The journal, refused when it cannot be the store at `mountpoint` with `image`: the
    /// reader for commands that have not observed the store (provision's choice of what to
    /// mount, status). The mountpoint is asked of the kernel (a mount root's statfs type, the
    /// btrfs FS_INFO), the image of libblkid, and only when a journal exists.
    public static func read(host: Host, mountpoint: HostPath, image: HostPath) throws -> MigrationJournal? {
        guard let journal = try read(host: host) else { return nil }
        let mountpointPath = host.realFollowing(mountpoint)
        let imagePath = host.real(image)
        var view = StoreView(mountpoint: mountpointPath, mounted: try mounted(at: mountpointPath), image: imagePath)
        try view.readImage(imagePath)
        view.fstabUUID = fstabUUID(try FileContents.read(HostPaths.fstab, on: host), mountpoint: mountpoint)
        try journal.checkBelongs(to: view, journalPath: host.real(path))
        return journal
    }

    /// The `UUID=` fstab's first line for `mountpoint` mounts, if it mounts one.
    static func fstabUUID(_ fstab: [UInt8]?, mountpoint: HostPath) -> String? {
        guard let line = FstabFile(bytes: fstab ?? []).entries(mountingAt: mountpoint).first?.entry,
              line.source.hasPrefix("UUID=") else { return nil }
        return String(line.source.dropFirst(5))
    }

    /// What is mounted at `mountpoint`, as the journal is judged against it.
    static func mounted(at mountpoint: String) throws -> StoreView.Mounted {
        switch try CapacityProbe.mountedType(at: mountpoint) {
        case "btrfs":
            let uuid = try BtrfsFilesystem.open(mountpoint).uuid
            return .btrfs(uuid: uuid, onDisk: BtrfsSysfs.onDiskFsid(of: uuid))
        case let fstype? where CapacityProbe.storeFilesystems.contains(fstype): return .otherStore(fstype: fstype)
        default: return .none
        }
    }
}

extension MigrationJournal.StoreView {
    /// The btrfs UUID and inode of the file at the image's name, when it is a regular file
    /// holding a btrfs; a file whose content cannot be read refuses (it may be the image).
    mutating func readImage(_ path: String) throws {
        guard let status = try FileStatus.of(path), status.kind == .regular else { return }
        switch BlockProbe.probe(path) {
        case .signature("btrfs", let uuid, _):
            imageUUID = uuid
            imageInode = status.inode
        case .unreadable(let why):
            // Without root (check as nobody, the image root's 0600 file) this is not judged, as
            // the 0600 journal itself is not: the code says so to `CapacityProbe.readJournal`.
            throw DockStoreError(.refused, "cannot read \(path) to tell whether it holds the open migration's store (\(why)); make it readable and re-run",
                                 code: CurrentProcess.isRoot ? nil : Errno.permissionDenied)
        default:
            break
        }
    }
}
