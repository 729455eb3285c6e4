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
        let bound: LoopDevice?
        do {
            bound = try status(loop)
        } catch {
            return nil
        }
        guard let bound, bound.backingRdevice == 0 else { return nil }
        return SameFileInFolder.names(device: bound.backingDevice, inode: bound.backingInode,
                                      in: AtomicFile.parentFolder(of: deletedName))?.first
    }
}
