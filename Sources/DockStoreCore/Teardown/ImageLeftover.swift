/// A file dockstore's own unfinished work leaves beside the image, which `teardown
/// --delete-image` removes with the image: `<image>.dockstore-new`, the image a killed
/// provision did not finish (`UnfinishedImage`), and `<image>.dockstore-deleted`, the image a
/// move let go of and did not get to unlink (`RetiredImage`). Both are otherwise removed by
/// the next provision or migrate-ebs, which after a teardown no boot runs, so teardown takes
/// them down itself.
///
/// Looked at inside --root, a link never followed: a regular file no loop device holds is
/// removed only while its name is still that file (device, inode); one a loop device holds
/// refuses `teardown --delete-image` before anything changes; anything but a regular file
/// under that name, or a regular file with a second name (a hard link: another name may be a
/// user's file, outside --root even; dockstore's own leftovers have one name, as provision
/// requires of what it formats), is not dockstore's and stays, with a line saying so.
public struct ImageLeftover: Sendable, Equatable {
    /// Which of dockstore's names it is at.
    public enum Which: String, Sendable, Equatable, CaseIterable {
        case unfinished
        case retired

        public var suffix: String { self == .unfinished ? UnfinishedImage.suffix : RetiredImage.suffix }

        /// What the file is, for messages ("an image a killed provision left unfinished").
        public var what: String {
            self == .unfinished ? "an image a killed provision left unfinished" : "an image a migrate-ebs move let go of"
        }
    }

    /// What is at the name.
    public enum State: Sendable, Equatable {
        /// A regular file no loop device holds: its identity and the bytes it occupies.
        case removable(FileIdentity, allocated: UInt64)
        /// A loop device is bound to it: never removed.
        case held(String)
        /// Not a regular file: dockstore never made it, so it does not remove it.
        case foreign(FileStatus.Kind)
        /// A regular file with more than one name (hard links): kept, as provision refuses it.
        case linked(links: UInt64)
    }

    public var which: Which
    /// The leftover's own path (`<image><suffix>`), inside --root.
    public var path: HostPath
    public var state: State

    public init(which: Which, path: HostPath, state: State) {
        self.which = which
        self.path = path
        self.state = state
    }

    /// The leftovers beside `image`, unfinished first; none when neither name exists.
    public static func observe(host: Host, image: HostPath) throws -> [ImageLeftover] {
        try Which.allCases.compactMap { which in
            let path = image.parent.appending(image.lastComponent + which.suffix)
            guard let status = try host.statusInRoot(path) else { return nil }
            guard status.kind == .regular else { return ImageLeftover(which: which, path: path, state: .foreign(status.kind)) }
            if let loop = try LoopDevice.devices(backing: status).first {
                return ImageLeftover(which: which, path: path, state: .held(loop.path))
            }
            if status.links != 1 { return ImageLeftover(which: which, path: path, state: .linked(links: status.links)) }
            return ImageLeftover(which: which, path: path, state: .removable(FileIdentity(status), allocated: status.allocatedBytes))
        }
    }
}
