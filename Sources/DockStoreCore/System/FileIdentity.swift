/// Which file a path named when dockstore looked: its filesystem's device number and its
/// inode. A step that deletes or changes a file it planned for acts only while the path
/// still names this file, not whatever was put at its name since.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public init(_ status: FileStatus) {
        self.init(device: status.device, inode: status.inode)
    }
}
