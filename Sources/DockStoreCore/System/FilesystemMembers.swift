/// Every block device that carries a given filesystem UUID. Each member of a multi-device
/// btrfs carries the same UUID, so libblkid's "the device with UUID=…" names only one of
/// them, whichever it met first — possibly the image's own loop device rather than the
/// volume a migration added. This asks every block device the kernel lists.
enum FilesystemMembers {
    static func devices(withUUID uuid: String, sysClassBlock: String = "/sys/class/block") throws -> [String] {
        guard let names = FolderEntries.names(sysClassBlock) else {
            throw DockStoreError.system("cannot list", sysClassBlock, errno: Errno.current)
        }
        var found: [String] = []
        var seen: Set<UInt64> = []
        for name in names.sorted() {
            let path = "/dev/\(name)"
            guard let node = try FileStatus.following(path), node.kind == .blockDevice else { continue }
            // A node at a kernel name that is another device (replaced by mknod, attack 39 T F6)
            // is not that device, and one device read through two nodes is not two copies.
            if let number = try LoopDevice.sysfsNumber(name, sysBlock: sysClassBlock), number != node.rdev { continue }
            guard seen.insert(node.rdev).inserted else { continue }
            if case .signature(_, let found_?, _) = BlockProbe.probe(path), found_ == uuid { found.append(path) }
        }
        return found
    }

    /// The devices with `uuid` other than the loop devices bound to `image` (a real path): where
    /// a migration's volume is now, whatever name a reboot gave it. With the journal's
    /// `imageInode`, also other than those bound to that file on the image folder's filesystem:
    /// the image renamed or hard-linked and attached under that name is no volume (attack 24 I3:
    /// `--abort` named it and the volume both as the volume "now").
    static func devices(withUUID uuid: String, besidesImage image: String, imageInode: UInt64? = nil) throws -> [String] {
        var imageLoops = try FileStatus.of(image).map { try LoopDevice.devices(backing: $0).map(\.path) } ?? []
        if let imageInode, let folder = try FileStatus.following(AtomicFile.parentFolder(of: image)) {
            imageLoops += try LoopDevice.devices(backingDevice: folder.device, inode: imageInode).map(\.path)
        }
        return try devices(withUUID: uuid).filter { !imageLoops.contains($0) }
    }
}
