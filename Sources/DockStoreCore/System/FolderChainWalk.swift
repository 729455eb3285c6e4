#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The look `Host.sweepFolderChain` takes at a temporary folder a killed `makeFolderChain`
/// left, one level at a time through descriptors (never through a link), keeping what it
/// opened so that the removal acts on exactly what was looked at.
struct FolderChainWalk {
    /// The device of the folder holding the temporary one: nothing mounted below counts as ours.
    let device: dev_t
    /// The folders opened, outermost first, each with the descriptor of the folder holding it.
    private(set) var folders: [(parent: Int32, name: String, fd: Int32, shown: String)] = []
    private var file: (dir: Int32, name: String, shown: String)?

    init(device: dev_t) { self.device = device }

    enum Opened { case missing, foreign(String), opened(Int32) }
    enum Contents { case empty, holdsIt, foreign(String) }

    static func status(_ fd: Int32, shown: String) throws -> stat {
        var st = stat()
        try Syscall.check("cannot look at", shown) { fstat(fd, &st) }
        return st
    }

    /// Opens the folder `name` in `dir` when it is one dockstore can have made: a plain folder
    /// of this user, mode at most 0755 (the set-group-id bit a parent passes on aside), on `device`.
    mutating func openFolder(in dir: Int32, _ name: String, shown: String) throws -> Opened {
        let fd: Int32
        switch Syscall.attempt({ openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ENOENT: return .missing
        case .failure(let code) where code == ELOOP || code == ENOTDIR:
            // O_DIRECTORY refuses a link at the name with ENOTDIR before O_NOFOLLOW does with ELOOP.
            var st = stat()
            try Syscall.check("cannot look at", shown) { fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) }
            let kind = FileStatus(st).kind
            return .foreign(kind == .symlink ? "\(shown) is a symbolic link" : "\(shown) is a \(kind.rawValue), not a folder")
        case .failure(let code): throw DockStoreError.system("cannot open the folder", shown, errno: code)
        }
        let st: stat
        do { st = try Self.status(fd, shown: shown) } catch {
            close(fd)
            throw error
        }
        if let reason = Self.unlike(st, shown: shown, device: device, mode: 0o755 | S_ISGID) {
            close(fd)
            return .foreign(reason)
        }
        folders.append((dir, name, fd, shown))
        return .opened(fd)
    }

    /// Whether the folder open at `fd` is empty or holds exactly `name`; an unreadable folder
    /// throws (what it holds cannot be told).
    func contents(of fd: Int32, holdingOnly name: String, shown: String) throws -> Contents {
        guard let names = FolderEntries.names(in: fd) else {
            throw DockStoreError.system("cannot read the folder", shown, errno: Errno.current)
        }
        if names.isEmpty { return .empty }
        if names == [name] { return .holdsIt }
        let listed = names.sorted().prefix(3).joined(separator: ", ") + (names.count > 3 ? ", and \(names.count - 3) more" : "")
        return .foreign("\(shown) holds \(listed)")
    }

    /// Nil when `name` in `dir` is a file dockstore can have written there: a regular file with
    /// one link, of this user, mode at most `mode`, on `device`, whose bytes `accepts`; else why not.
    mutating func checkFile(in dir: Int32, _ name: String, shown: String, mode: UInt32,
                            accepts: ([UInt8]) -> Bool) throws -> String? {
        let fd: Int32
        switch Syscall.attempt({ openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }) {
        case .success(let opened): fd = opened
        case .failure(let code) where code == ELOOP: return "\(shown) is a symbolic link"
        case .failure(let code): throw DockStoreError.system("cannot open", shown, errno: code)
        }
        defer { close(fd) }
        let st = try Self.status(fd, shown: shown)
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "\(shown) is a \(FileStatus(st).kind.rawValue), not a file dockstore writes" }
        guard st.st_nlink == 1 else { return "\(shown) has \(st.st_nlink) links" }
        if let reason = Self.unlike(st, shown: shown, device: device, mode: mode_t(mode)) { return reason }
        guard st.st_size <= 1 << 20 else { return "\(shown) is larger than any file dockstore writes there" }
        let bytes = try FileContents.readAll(fd, path: shown, size: Int(st.st_size))
        guard accepts(bytes) else { return "\(shown) does not hold what dockstore writes there" }
        file = (dir, name, shown)
        return nil
    }

    /// Removes what was looked at, innermost first, then flushes `parent`, which holds the
    /// temporary folder. Something added meanwhile makes the removal of its folder fail.
    func remove(below parent: Int32, shown: String) throws {
        if let file {
            try Syscall.check("cannot remove", file.shown) { unlinkat(file.dir, file.name, 0) }
        }
        for folder in folders.reversed() {
            try Syscall.check("cannot remove the folder", folder.shown) { unlinkat(folder.parent, folder.name, AT_REMOVEDIR) }
        }
        try Syscall.check("cannot flush", shown) { fsync(parent) }
    }

    mutating func closeAll() {
        for folder in folders { close(folder.fd) }
        folders = []
        file = nil
    }

    /// Why `st` is not as dockstore makes it: another user's, a permission beyond `mode`, or on
    /// another filesystem.
    private static func unlike(_ st: stat, shown: String, device: dev_t, mode: mode_t) -> String? {
        if st.st_uid != geteuid() { return "\(shown) belongs to uid \(st.st_uid), not to uid \(geteuid()), who runs dockstore" }
        if st.st_mode & 0o7777 & ~mode != 0 { return "\(shown) has mode \(String(st.st_mode & 0o7777, radix: 8)), more than dockstore gives it" }
        if st.st_dev != device { return "\(shown) is on another filesystem (something is mounted there)" }
        return nil
    }
}
