extension StoreObserver {
    /// The migration journal, judged against the store this observation saw
    /// (`MigrationJournal.foreignReason`): another store's journal is an unreadable fact with
    /// that reason, so every planner that needs the journal refuses with it and check says it.
    /// The image (its content when the observation read it, else probed now) and fstab are
    /// looked at only when a journal exists.
    static func readJournal(host: Host, mountpoint: String, inRoot: HostPath?, mountedType: StoreFact<String?>,
                            btrfs: StoreFact<StoreObservation.Btrfs?>, imagePath: String?,
                            image: StoreFact<StoreObservation.Image>, fstab: StoreFact<[UInt8]?>) -> StoreFact<MigrationJournal?> {
        .reading {
            guard let journal = try MigrationJournal.read(host: host) else { return nil }
            var view = MigrationJournal.StoreView(mountpoint: mountpoint, mounted: .none, image: imagePath ?? "")
            switch mountedType.known {
            case "btrfs"?:
                if let reading = btrfs.known??.reading {
                    view.mounted = .btrfs(uuid: reading.uuid, onDisk: BtrfsSysfs.onDiskFsid(of: reading.uuid))
                }
            case let fstype?? where CapacityProbe.storeFilesystems.contains(fstype):
                view.mounted = .otherStore(fstype: fstype)
            default:
                break
            }
            if let imagePath {
                if case .file(_, _, let content, _)? = image.known {
                    if case .signature("btrfs", let uuid, _) = content {
                        view.imageUUID = uuid
                        view.imageInode = try FileStatus.of(imagePath)?.inode
                    }
                } else {
                    try view.readImage(imagePath)
                }
            }
            if let inRoot, let bytes = fstab.known {
                view.fstabUUID = MigrationJournal.fstabUUID(bytes, mountpoint: inRoot)
            }
            try journal.checkBelongs(to: view, journalPath: host.real(MigrationJournal.path))
            return journal
        }
    }
}
