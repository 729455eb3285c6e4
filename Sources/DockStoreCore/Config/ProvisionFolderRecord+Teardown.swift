/// Which recorded folders teardown may remove, and how it removes the record's own folder.
extension ProvisionFolderRecord {
    /// The failpoint inside teardown's folders step between renaming the record's folder chain
    /// to its temporary name and removing it (`Host.retireFolderChain`).
    public static let retireFailpoint = "folders-retire-record-folder"

    /// The folders provision ever makes besides a mountpoint: every folder holding one of the
    /// files it writes (fstab, the drop-in, /etc/sysconfig/docker, its records in
    /// /var/lib/dockstore), with each of their parents. provision never makes the image's
    /// folder (it refuses when that is missing) nor any parent of the mountpoint.
    public static let fixedFolders: [HostPath] = {
        let files = [HostPaths.fstab, HostPaths.dockerDropIn, HostPaths.sysconfigDocker, path, DaemonJSONRecord.path]
        var folders: [HostPath] = []
        for file in files {
            var folder = file.parent
            while folder != .root {
                if !folders.contains(folder) { folders.append(folder) }
                folder = folder.parent
            }
        }
        return folders
    }()

    /// Whether teardown judges `folder`, named by the record, one provision made for a store at
    /// `mountpoint` (this teardown's, from the command line or /etc/sysconfig/dockstore): one of
    /// `fixedFolders`, `mountpoint` itself, or the folder of its mount unit's drop-in. Any other line is a folder teardown cannot judge:
    /// the mountpoint of a provision run with another --mountpoint, or a line added by hand.
    /// teardown keeps it, saying so, rather than remove a folder that may be an admin's.
    /// `unitPath`: the mountpoint as systemd names its mount unit (`Host.unitPath`).
    public static func isMade(_ folder: HostPath, mountpoint: HostPath, unitPath: HostPath) -> Bool {
        folder == mountpoint || fixedFolders.contains(folder) || folder == MountDropIn.path(unitPath: unitPath).parent
    }

    /// The chain teardown renames away at once with the record inside (`Host.retireFolderChain`):
    /// from the outermost of `holdsRecord` (the recorded folders holding the record) down to the
    /// record's folder, each of them recorded; nil when the record's folder is not recorded
    /// (provision did not make it: it stays).
    public static func retiredChain(_ holdsRecord: [HostPath]) -> NewFolderChain? {
        var outermost = path.parent
        guard holdsRecord.contains(outermost) else { return nil }
        while outermost.parent != .root, holdsRecord.contains(outermost.parent) { outermost = outermost.parent }
        return newFolder(outermost)
    }
}
