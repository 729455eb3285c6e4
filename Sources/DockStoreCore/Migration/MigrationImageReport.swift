/// What a finished move says of the image's bytes it did not free (attack 25 J1, J2): a run
/// that deletes the image said "its blocks freed after the move" while a hard link kept every
/// block; a run that found another file at the image's name (a copy put there since the
/// journal began, which it rightly keeps) said nothing of either file, and the image itself
/// stayed under the name it was renamed to, its size lost from sight.
public enum MigrationImageReport {
    /// Lines to print after a finished (not aborted, not --keep-image) move; `image` is the
    /// real path, `observed` the observation the plan was made from, `deleted` whether the plan
    /// deleted the image.
    public static func lines(_ observed: MigrationObservation, image: String, deleted: Bool) -> [String] {
        let folder = AtomicFile.parentFolder(of: image)
        let retired = image + RetiredImage.suffix
        if deleted, let file = observed.fileAtImagePath, file.links > 1 {
            let others = (SameFileInFolder.names(device: file.device, inode: file.inode, in: folder) ?? [])
                .filter { !$0.sameBytes(image) && !$0.sameBytes(retired) }
            let elsewhere = Int(file.links) - 1 - others.count
            var named = others.joinedText(", ")
            if elsewhere > 0 {
                named += (named.isEmpty ? "" : ", and ") + "\(elsewhere) name(s) in other folders (find -xdev -inum \(file.inode), run from the top of the filesystem that holds \(folder), lists them)"
            }
            return ["The image's bytes are not freed: the file has \(file.links - 1) other name(s) (hard links), \(named), which keep them; delete those once you no longer need them."]
        }
        guard let journal = observed.journal, let inode = journal.imageInode, observed.inodeAtImagePath != inode else { return [] }
        var lines: [String] = []
        if let other = observed.inodeAtImagePath {
            lines.append("Kept \(image): another file than the image this migration began with was put there since (inode \(other), not \(inode)); it is not the store, so look at it before you delete it.")
        }
        let folderStatus: FileStatus?
        do {
            folderStatus = try FileStatus.following(folder)
        } catch {
            return lines + ["The image this migration began with (inode \(inode)) is no longer at \(image), and \(folder) cannot be looked at for it: \((error as? DockStoreError)?.message ?? "\(error)")."]
        }
        let names = folderStatus.flatMap { SameFileInFolder.names(device: $0.device, inode: inode, in: folder) } ?? []
        lines.append(names.isEmpty
            ? "The image this migration began with (inode \(inode)) is no longer at \(image) nor under another name in \(folder) (moved elsewhere, or deleted): its bytes, if it is still somewhere, are not freed."
            : "The image this migration began with is \(names.joinedText(", ")) now (renamed): the store left it and it is no filesystem that mounts; delete it once you no longer need its bytes.")
        return lines
    }
}
