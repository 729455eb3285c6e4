#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `lstat` says of a path: never follows a symlink at the last component.
public struct FileStatus: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case regular = "regular file"
        case directory = "folder"
        case symlink = "symbolic link"
        case blockDevice = "block device"
        case characterDevice = "character device"
        case fifo = "named pipe"
        case socket = "socket"
        case unknown = "special file"
    }

    public var kind: Kind
    public var size: UInt64
    /// Bytes the file really occupies (st_blocks × 512).
    public var allocatedBytes: UInt64
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var device: UInt64
    public var inode: UInt64
    public var rdev: UInt64
    public var modificationTime: timespec
    /// How many names (hard links) the file has.
    public var links: UInt64

    public static func == (a: FileStatus, b: FileStatus) -> Bool {
        a.kind == b.kind && a.size == b.size && a.mode == b.mode && a.device == b.device && a.inode == b.inode
    }

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFBLK: kind = .blockDevice
        case S_IFCHR: kind = .characterDevice
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: kind = .unknown
        }
        size = UInt64(max(0, st.st_size))
        allocatedBytes = UInt64(max(0, st.st_blocks)) * 512
        mode = UInt32(st.st_mode & 0o7777)
        uid = st.st_uid
        gid = st.st_gid
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        rdev = UInt64(st.st_rdev)
        modificationTime = st.st_mtim
        links = UInt64(st.st_nlink)
    }

    /// The status of `path`, or nil when nothing is there.
    public static func of(_ path: String) throws -> FileStatus? {
        var st = stat()
        switch Syscall.attempt({ lstat(path, &st) }) {
        case .success: return FileStatus(st)
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code) where code == ENOTDIR:
            throw DockStoreError.refused("cannot look at \(path): a part of the path is not a folder")
        case .failure(let code) where code == ELOOP: throw linkLoop(path)
        case .failure(let code): throw DockStoreError.system("cannot look at", path, errno: code)
        }
    }

    /// ELOOP from the folders on the way to `path` (or, followed, the path itself): a state of
    /// the tree to fix, not a failed call (attack 54 Y: a link loop at etc/sysconfig was exit 1).
    static func linkLoop(_ path: String) -> DockStoreError {
        .refused("cannot look at \(path): the symbolic links on the way to it loop, or are nested too deep; fix them and run again; nothing was changed")
    }

    /// Like `of`, but follows symlinks (for folders that may legitimately be reached through one).
    public static func following(_ path: String) throws -> FileStatus? {
        var st = stat()
        switch Syscall.attempt({ stat(path, &st) }) {
        case .success: return FileStatus(st)
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code) where code == ELOOP: throw linkLoop(path)
        case .failure(let code): throw DockStoreError.system("cannot look at", path, errno: code)
        }
    }
}
