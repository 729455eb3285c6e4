/// A loop device mounted at the mountpoint whose backing file is not the file its name reaches
/// here (attack 20 F4). The kernel names a loop device's backing file by walking that file's
/// own mounts, which belong to the mount namespace that attached it: another root on the same
/// kernel (a container, a parallel boot) with an image at the same path shows as a loop device
/// over this root's image path although no file, or another one, is there. A file a later mount
/// hid reads the same way. Whatever Docker writes there lands in that store, never in this
/// root's image, so it is never taken as this root's store (nor as a device store).
///
/// Only a name that is this root's image path counts (attack 21 F1): a device store's device
/// may well be a loop device over a file this root cannot see (a host's loop device handed to a
/// container), and it is that store.
public struct ForeignLoopStore: Sendable, Equatable, Codable {
    /// The loop device mounted at the mountpoint.
    public var loop: String
    /// The kernel's name of its backing file.
    public var name: String
    /// Another file is at that path here; false when nothing is.
    public var otherFileHere: Bool
    /// The --root the file lies outside of (`outside`); nil for a file this root does not see.
    public var outsideRoot: String? = nil

    public init(loop: String, name: String, otherFileHere: Bool, outsideRoot: String? = nil) {
        self.loop = loop
        self.name = name
        self.otherFileHere = otherFileHere
        self.outsideRoot = outsideRoot
    }

    /// `loop` when the kernel's name of its backing file lies outside the --root tree `root`
    /// (its canonical path; never for "/"), deleted or not: no file of this tree, so no image
    /// this tree's boot attaches — another root's store mounted in this tree (attack 46 P F5:
    /// check called it this root's image "moved away" and advised moving the other root's live
    /// image into this tree; F6: on a tree with nothing configured, check said OK about it).
    ///
    /// The name is the kernel's, from the mount namespace's view when the file was attached: the
    /// tree's own image reached another way (`--root` a bind of the tree, a hard link of the
    /// image outside it: attack 48 R C2, C3) has another name but is the same file, told by the
    /// loop device's backing device and inode against `image`'s (as root; without root that
    /// cannot be told, and the verdict says so).
    public static func outside(loop: String, backingName: String, root: String, image: String?) throws -> ForeignLoopStore? {
        guard root != "/", backingName.hasPrefix("/") else { return nil }
        let name = backingName.hasSuffix(" (deleted)") ? String(backingName.dropLast(" (deleted)".count)) : backingName
        guard !name.hasBytePrefix(root + "/") else { return nil }
        if let image, let file = try FileStatus.following(image) {
            let bound: LoopDevice?
            do {
                bound = try LoopDevice.status(loop)
            } catch let error as DockStoreError where !CurrentProcess.isRoot && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
                throw DockStoreError.refused("cannot tell whether \(loop), bound to \(backingName) outside --root \(root), is this tree's image \(image) reached another way or another root's store: only root may read the loop device")
            }
            if let bound, bound.backingDevice == file.device, bound.backingInode == file.inode { return nil }
        }
        return ForeignLoopStore(loop: loop, name: backingName, otherFileHere: false, outsideRoot: root)
    }

    /// The foreign store behind `loop`, given the kernel's name of its backing file; nil when
    /// that name reaches the loop device's own file here (by device and inode), when the
    /// kernel marks it deleted (the image's own store, judged elsewhere), or when `loop` is
    /// not bound to a file. What cannot be read throws: "cannot tell" is never "ours".
    ///
    /// Without root the loop device cannot be opened for its backing device and inode, so the
    /// name alone is judged, as check judges other loop devices over the image then: nothing at
    /// that path here is another root's store; a file there is taken as the one bound.
    public static func find(loop: String, backingName: String, image: String) throws -> ForeignLoopStore? {
        guard backingName.sameBytes(image) else { return nil }
        return try unseen(loop: loop, backingName: backingName)
    }

    /// `loop` when its backing file, by the kernel's name, is not the file that name reaches
    /// here, whatever the name; nil otherwise (see `find`).
    public static func unseen(loop: String, backingName: String) throws -> ForeignLoopStore? {
        guard !backingName.hasSuffix(" (deleted)"), backingName.hasPrefix("/") else { return nil }
        let bound: LoopDevice?
        do {
            bound = try LoopDevice.status(loop)
        } catch let error as DockStoreError where !CurrentProcess.isRoot && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
            return try FileStatus.following(backingName) == nil ? ForeignLoopStore(loop: loop, name: backingName, otherFileHere: false) : nil
        }
        guard let status = bound, status.backingRdevice == 0 else { return nil }
        guard let file = try FileStatus.following(backingName) else {
            return ForeignLoopStore(loop: loop, name: backingName, otherFileHere: false)
        }
        if file.device == status.backingDevice && file.inode == status.backingInode { return nil }
        return ForeignLoopStore(loop: loop, name: backingName, otherFileHere: true)
    }

    /// The foreign store mounted from `source` (a mount table's source), if it is one.
    public static func mounted(from source: String, image: String) throws -> ForeignLoopStore? {
        guard let name = try LoopDevice.backingFile(of: source) else { return nil }
        return try find(loop: source, backingName: name, image: image)
    }

    /// One line: what is mounted, why it is not this root's, and what to do.
    public func verdict(mountpoint: String) -> String {
        if let outsideRoot {
            return "\(mountpoint) has a store mounted that is not this root's: \(loop) is bound to \(name), a file outside --root \(outsideRoot) (another root's image, or a file elsewhere), which no boot of this tree attaches; whatever Docker writes there lands in that store: stop Docker and unmount it here (umount \(mountpoint.shellWord)); do not move or change that file"
        }
        let here = otherFileHere ? "the file at that path here is another one" : "no file is at that path here"
        return "\(mountpoint) has a store mounted that is not this root's: \(loop) is bound to a file named \(name), yet \(here) and the kernel does not mark it deleted (another root's image on the same kernel, or a file hidden under a mount); whatever Docker writes there lands in that store: stop Docker and unmount it (umount \(mountpoint.shellWord))"
    }
}
