/// The image a finished move let go of. Freeing its blocks can take seconds (a host
/// filesystem that discards synchronously, an image in many extents), so the move does not
/// wait for it: it renames the image, in its own folder, to `<image>.dockstore-deleted`
/// (atomic; no other file ever has that name) and the unlink happens after the move, in
/// the background, or in the next `provision` or `migrate-ebs` that finds the name. A crash
/// between the rename and the unlink leaves only that name, which the next run removes (or
/// `teardown --delete-image`, `ImageLeftover`).
/// The store is never looked for under it, and a file a loop device still holds is never
/// removed.
public struct RetiredImage: Sendable {
    public static let suffix = ".dockstore-deleted"

    public let host: Host
    /// The image's own path (the store's setting), not the retired one.
    public let image: HostPath

    public init(host: Host, image: HostPath) {
        self.host = host
        self.image = image
    }

    /// `<image>.dockstore-deleted`, in the image's folder.
    public var path: HostPath { image.parent.appending(image.lastComponent + Self.suffix) }

    /// What is at the retired name: nothing, a file to remove, or something dockstore leaves alone.
    public enum Leftover: Sendable, Equatable {
        case none
        case removable(FileStatus)
        /// A loop device still holds it (someone attached it again): never removed.
        case held(String)
        /// Not a regular file: dockstore never made it, so it does not remove it.
        case foreign(FileStatus.Kind)
    }

    public func leftover() throws -> Leftover {
        guard let status = try host.statusInRoot(path) else { return .none }
        guard status.kind == .regular else { return .foreign(status.kind) }
        if let loop = try LoopDevice.devices(backing: status).first { return .held(loop.path) }
        return .removable(status)
    }

    /// Refuses to retire the image unless it is a regular file no loop device holds, and the
    /// retired name is not held either (`MigrationStep.deleteImage`'s re-check). Nothing to
    /// check when the image is gone (a re-run after the rename).
    public func checkRetirable() throws {
        let real = host.real(image)
        guard let status = try host.statusInRoot(image) else { return }
        guard status.kind == .regular else {
            throw DockStoreError.refused("\(real) is a \(status.kind.rawValue), not the image; not deleting it")
        }
        if let loop = try LoopDevice.devices(backing: status).first {
            throw DockStoreError.refused("\(real) is attached to \(loop.path); not deleting it: detach it (losetup -d \(loop.path)) if nothing uses it, and re-run")
        }
        if case .held(let loop) = try leftover() {
            throw DockStoreError.refused("\(host.real(path)) (an image an earlier move let go of) is attached to \(loop); detach it (losetup -d \(loop)) and re-run")
        }
    }

    /// Renames the image to the retired name and flushes the folder, after `checkRetirable`.
    /// Nothing to do when the image is gone (a re-run after the rename).
    public func retire() throws {
        guard try host.statusInRoot(image) != nil else { return }
        try host.renameInFolder(image.parent, from: image.lastComponent, to: path.lastComponent)
    }

    /// Removes a retired image: now (`background: false`), or from a detached process that
    /// unlinks it only while the name is still the file checked here (`background: true`),
    /// so the caller does not wait for the host to free its blocks. Returns whether there
    /// was one to remove; a held or foreign one is an error naming it.
    @discardableResult
    public func sweep(background: Bool) throws -> Bool {
        switch try leftover() {
        case .none:
            return false
        case .held(let loop):
            throw DockStoreError.refused("\(host.real(path)) (an image a move let go of) is attached to \(loop); not deleting it: detach it (losetup -d \(loop)) and re-run")
        case .foreign(let kind):
            throw DockStoreError.refused("\(host.real(path)) is a \(kind.rawValue), not an image dockstore let go of; move it out of the way and re-run")
        case .removable(let status):
            guard background else {
                try host.removeFile(path)
                return true
            }
            try host.unlinkDetached(path, device: status.device, inode: status.inode)
            return true
        }
    }
}
