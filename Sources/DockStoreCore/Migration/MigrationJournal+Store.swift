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
            case btrfs(uuid: String)
            /// xfs or ext4: a device store, which no migration moves.
            case otherStore(fstype: String)
            /// Nothing, something that is no store (tmpfs, a bind mount of another folder), or
            /// unknown: the image is what is judged.
            case none
        }

        public var mountpoint: String
        public var mounted: Mounted
        public var image: String
        /// The image file's btrfs UUID when it holds a btrfs (judged only while nothing is mounted).
        public var imageUUID: String?
        /// The image file's inode, to say whether it is the file the migration began with.
        public var imageInode: UInt64?

        public init(mountpoint: String, mounted: Mounted, image: String, imageUUID: String? = nil, imageInode: UInt64? = nil) {
            self.mountpoint = mountpoint
            self.mounted = mounted
            self.image = image
            self.imageUUID = imageUUID
            self.imageInode = imageInode
        }
    }

    /// Why this journal cannot be the store's, or nil when it can be (also when a journal from
    /// before UUIDs were recorded cannot tell).
    public func foreignReason(_ store: StoreView, journalPath: String) -> String? {
        guard let recorded = filesystemUUID?.lowercased() else { return nil }
        let nothingChanged = "(nothing was changed)"
        let removeIt = "if no migration of this store is under way (a journal copied from another machine, or left from a store given up since), remove \(journalPath) and re-run \(nothingChanged)"
        switch store.mounted {
        case .btrfs(let uuid):
            guard uuid.lowercased() != recorded else { return nil }
            return "\(journalPath) records a migration of the btrfs \(recorded), but the store mounted at \(store.mountpoint) is the btrfs \(uuid.lowercased()): the journal is not this store's, and dockstore does not act on it; \(removeIt)"
        case .otherStore(let fstype):
            return "\(journalPath) records a migration of the btrfs \(recorded), but the store mounted at \(store.mountpoint) is \(fstype), which no migration moves: the journal is not this store's, and dockstore does not act on it; \(removeIt)"
        case .none:
            guard let uuid = store.imageUUID?.lowercased(), uuid != recorded else { return nil }
            var another = ""
            if let began = imageInode, let now = store.imageInode, began != now {
                another = ", another file than the image that migration began with (inode \(now), not \(began))"
            }
            return "\(journalPath) records a migration of the btrfs \(recorded), but the image \(store.image) holds the btrfs \(uuid.lowercased())\(another): the journal is not this store's, or that file is not the migration's image, and dockstore does not act on it; if that migration is this store's, put its image back at \(store.image) and re-run; \(removeIt)"
        }
    }

    /// Refuses the journal when it cannot be the store's (`foreignReason`).
    public func checkBelongs(to store: StoreView, journalPath: String) throws {
        if let reason = foreignReason(store, journalPath: journalPath) { throw DockStoreError.refused(reason) }
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
        if view.mounted == .none, let status = try FileStatus.of(imagePath), status.kind == .regular,
           case .signature("btrfs", let uuid, _) = BlockProbe.probe(imagePath) {
            view.imageUUID = uuid
            view.imageInode = status.inode
        }
        try journal.checkBelongs(to: view, journalPath: host.real(path))
        return journal
    }

    /// What is mounted at `mountpoint`, as the journal is judged against it.
    static func mounted(at mountpoint: String) throws -> StoreView.Mounted {
        switch try CapacityProbe.mountedType(at: mountpoint) {
        case "btrfs": return .btrfs(uuid: try BtrfsFilesystem.open(mountpoint).uuid)
        case let fstype? where CapacityProbe.storeFilesystems.contains(fstype): return .otherStore(fstype: fstype)
        default: return .none
        }
    }
}
