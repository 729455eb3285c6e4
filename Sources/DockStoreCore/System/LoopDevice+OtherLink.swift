extension LoopDevice {
    /// Another name, in the same folder, of the file a loop device runs on once the kernel marks
    /// the name it was attached through "(deleted)": the image hard-linked (`ln IMAGE L`), then
    /// its own name removed. The kernel keeps the unlinked name forever, yet the data is not
    /// only in the loop device: it lives on as `L`, and moving `L` back is the way out, not a
    /// copy (attack 24 I2). Matched by LOOP_GET_STATUS64's device and inode against each regular
    /// file of `deletedName`'s folder, read without following links; the first by name.
    ///
    /// nil when no such name is there, and also when it cannot be told (the loop device cannot
    /// be opened without root, the folder cannot be listed): the caller keeps the stricter
    /// "deleted" verdict, whose advice — copy the data out of the loop device — is safe.
    static func otherLink(of loop: String, deletedName: String) -> String? {
        let folder = AtomicFile.parentFolder(of: deletedName)
        do {
            guard let bound = try status(loop), bound.backingRdevice == 0,
                  let names = FolderEntries.names(folder) else { return nil }
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let path = folder == "/" ? "/\(name)" : "\(folder)/\(name)"
                guard let file = try FileStatus.of(path), file.kind == .regular,
                      file.device == bound.backingDevice, file.inode == bound.backingInode else { continue }
                return path
            }
        } catch {
            return nil
        }
        return nil
    }
}
