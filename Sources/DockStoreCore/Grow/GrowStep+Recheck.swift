/// What each grow step re-checks at the moment it acts (`StepEngine` runs it right before
/// the action): the image is still the file its loop device reads, the btrfs at the
/// mountpoint is still the store. The action checks both once more through the descriptor it
/// writes through (`Host.extendImage`, `Host.growBtrfs`): only that check cannot be raced.
extension GrowStep {
    public func recheck(_ grower: Grower) throws {
        switch self {
        case .extendImage(let path, let loop, _, _, _):
            try Self.checkImage(path, behind: loop, bound: try LoopDevice.status(loop), file: try FileStatus.of(path))
        case .refreshLoop:
            return
        case .resizeFilesystem(_, let uuid, _, _):
            let found: String?
            do {
                found = try BtrfsFilesystem.open(grower.mountpoint).uuid
            } catch let error as DockStoreError where error.kind == .refused {
                found = nil
            }
            try Self.checkStore(found, planned: uuid, mountpoint: grower.mountpoint)
        }
    }

    /// The image at `path` (not followed at its last component) is the regular file the loop
    /// device reads, by device and inode.
    static func checkImage(_ path: String, behind loop: String, bound: LoopDevice?, file: FileStatus?) throws {
        guard let bound, let file, file.kind == .regular,
              bound.backingDevice == file.device, bound.backingInode == file.inode else {
            throw DockStoreError.refused("refusing to extend \(path): it is no longer the file behind \(loop) (another file, a link or nothing took its place after dockstore looked); nothing was extended: look with losetup \(loop) and re-run")
        }
    }

    /// The btrfs mounted at the mountpoint (`found`, nil for none) is the store the plan saw.
    static func checkStore(_ found: String?, planned: String?, mountpoint: String) throws {
        guard let planned else {
            throw DockStoreError.refused("refusing to resize the btrfs at \(mountpoint): its UUID was not read, so dockstore cannot re-check what it resizes; nothing was resized: re-run")
        }
        guard let found else {
            throw DockStoreError.refused("refusing to resize at \(mountpoint): no btrfs is mounted there now (it was \(planned) when dockstore looked); nothing was resized")
        }
        guard found.lowercased() == planned.lowercased() else {
            throw DockStoreError.refused("refusing to resize at \(mountpoint): btrfs \(found) is mounted there now, not \(planned), which dockstore looked at; nothing was resized: look with findmnt \(mountpoint.shellWord) and re-run")
        }
    }
}
