/// The image `provision` is building. A new image is created, sized and formatted under
/// `<image>.dockstore-new` in the image's folder, checked with libblkid to hold the btrfs just
/// made (its UUID and label), and only then renamed onto the image's name (RENAME_NOREPLACE):
/// the image's own name never holds a half-formatted file. A run killed before the rename
/// leaves only the temporary name, which is dockstore's own unfinished work: the next
/// provision removes it (a regular file no loop device holds, re-checked as it acts) and
/// builds the image again; `teardown --delete-image` removes it the same way (`ImageLeftover`).
/// Nothing else is ever given that name.
public struct UnfinishedImage: Sendable {
    public static let suffix = ".dockstore-new"

    public let host: Host
    /// The image's own path, not the temporary one.
    public let image: HostPath

    public init(host: Host, image: HostPath) {
        self.host = host
        self.image = image
    }

    /// `<image>.dockstore-new`, in the image's folder.
    public var path: HostPath { image.parent.appending(image.lastComponent + Self.suffix) }

    /// What is at the temporary name: nothing, a leftover to remove, or something dockstore leaves alone.
    public enum Leftover: Sendable, Equatable {
        case none
        /// A regular file no loop device holds, with its identity (removed only while still
        /// that file) and the bytes it occupies.
        case removable(device: UInt64, inode: UInt64, allocated: UInt64)
        /// A loop device is bound to it (someone attached or mounted it): never removed.
        case held(String)
        /// Not a regular file: dockstore never made it, so it does not remove it.
        case foreign(FileStatus.Kind)
    }

    public func leftover() throws -> Leftover {
        guard let status = try host.statusInRoot(path) else { return .none }
        guard status.kind == .regular else { return .foreign(status.kind) }
        if let loop = try LoopDevice.devices(backing: status).first { return .held(loop.path) }
        return .removable(device: status.device, inode: status.inode, allocated: status.allocatedBytes)
    }

    /// Removes the leftover seen as `device`/`inode`, re-checked at the moment it acts.
    func remove(device: UInt64, inode: UInt64) throws {
        try host.removeFile(path, ifStill: device, inode, what: "an image a killed provision left unfinished")
    }

    /// Checks with libblkid that the temporary file holds the btrfs with `uuid` and `label`
    /// that this run made, then renames it onto the image's name, never over a file there.
    func install(uuid: String, label: String) throws {
        let temporary = host.real(path)
        let content = BlockProbe.probe(temporary)
        guard case .signature(let type, let found, let foundLabel) = content, type == "btrfs", found == uuid, foundLabel == label else {
            throw DockStoreError.failed("\(temporary) does not hold the btrfs (UUID \(uuid), label '\(label)') mkfs.btrfs just made: libblkid finds \(content.summary)")
        }
        if let status = try host.statusInRoot(path), status.links != 1 {
            throw DockStoreError.refused("\(temporary) has \(status.links) names (hard links) now; dockstore installs as the store's image only a file with one name: look at it (find / -samefile), remove the other names and re-run")
        }
        guard try host.installInFolder(image.parent, from: path.lastComponent, to: image.lastComponent) else {
            throw DockStoreError.refused("\(host.real(image)) appeared while dockstore built the new image; dockstore never replaces it: look at it and re-run")
        }
    }
}
