extension StoreObserver {
    /// The migration journal, judged against the store this observation saw
    /// (`MigrationJournal.foreignReason`): another store's journal is an unreadable fact with
    /// that reason, so every planner that needs the journal refuses with it and check says it.
    static func readJournal(host: Host, mountpoint: String, mountedType: StoreFact<String?>,
                            btrfs: StoreFact<StoreObservation.Btrfs?>, imagePath: String?,
                            image: StoreFact<StoreObservation.Image>) -> StoreFact<MigrationJournal?> {
        .reading {
            guard let journal = try MigrationJournal.read(host: host) else { return nil }
            var view = MigrationJournal.StoreView(mountpoint: mountpoint, mounted: .none, image: imagePath ?? "")
            switch mountedType.known {
            case "btrfs"?:
                if let reading = btrfs.known??.reading { view.mounted = .btrfs(uuid: reading.uuid) }
            case let fstype?? where CapacityProbe.storeFilesystems.contains(fstype):
                view.mounted = .otherStore(fstype: fstype)
            default:
                break
            }
            if view.mounted == .none, let imagePath, case .file(_, _, .signature("btrfs", let uuid, _), _)? = image.known {
                view.imageUUID = uuid
                view.imageInode = try FileStatus.of(imagePath)?.inode
            }
            try journal.checkBelongs(to: view, journalPath: host.real(MigrationJournal.path))
            return journal
        }
    }
}
