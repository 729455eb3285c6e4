/// What `dockstore reclaim` sees of the mounted store before it plans.
public struct ReclaimObservation: Sendable, Equatable {
    /// The store's members, the temporary one of an interrupted run left out.
    public enum Members: Sendable, Equatable {
        /// One member, a loop device over an image; `backing` is nil when the image or the
        /// host's free space could not be read.
        case image(devid: UInt64, backing: HostBacking?)
        /// One member, a block device. `roomFolderFree` is the host's free space where the
        /// temporary member's file would go (nil when unreadable); `roomFolderOnStore` says
        /// that folder lies on the store itself.
        case device(roomFolderFree: UInt64?, roomFolderOnStore: Bool)
        /// More than one member (a migration under way).
        case several(Int)
    }

    public var mountpoint: String
    public var fstype: String
    /// nil unless btrfs.
    public var figures: CapacityFigures?
    public var members: Members
    public var journal: ReclaimJournal?
    /// The devid of the member over the journal's room file, when it is a member now.
    public var roomMember: UInt64?
    /// The real path a device store's temporary member's file gets.
    public var roomFile: String
    /// Bytes of a new data chunk (the kernel's chunk size, capped at a tenth of the store).
    public var dataChunkSize: UInt64

    public init(mountpoint: String, fstype: String, figures: CapacityFigures?, members: Members,
                journal: ReclaimJournal? = nil, roomMember: UInt64? = nil, roomFile: String, dataChunkSize: UInt64) {
        self.mountpoint = mountpoint
        self.fstype = fstype
        self.figures = figures
        self.members = members
        self.journal = journal
        self.roomMember = roomMember
        self.roomFile = roomFile
        self.dataChunkSize = dataChunkSize
    }
}
