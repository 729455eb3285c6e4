#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Replaces a file so that a crash or power cut leaves either the old or the new
/// version, never an empty or half-written one: a temp file created with O_EXCL in the
/// same folder, written, fsynced, renamed over the target, and the folder fsynced.
///
/// The folder is opened once (O_NOFOLLOW, so a symlink there is refused by the kernel at
/// the moment of opening, not by an earlier check) and every later step — looking at the
/// target, creating the temp file, the rename, the folder's fsync — goes through that
/// descriptor with openat/fstatat/renameat. Swapping the folder or the file for a symlink
/// between dockstore's checks and its write therefore cannot redirect the write.
/// Those at-calls, fchmod, fchown and fsync stay raw: swift-system offers none of them; the
/// bytes are written with its `FileDescriptor.writeAll`.
public enum AtomicFile {
    /// The suffix of the backup a write keeps beside the file it replaces.
    public static let backupSuffix = ".dockstore.bak"

    /// - Parameters:
    ///   - mode: used for a new file; an existing file keeps its mode (set-id and sticky bits
    ///     too), owner and group, and so does its backup.
    ///   - backupSuffix: when given and the file exists, its old bytes are kept beside it
    ///     under this suffix (written the same atomic way) before it is replaced.
    ///   - basis: the file as the plan read it; when given and the file holds anything else
    ///     now (or exists now and did not then, or the reverse), the write is refused before
    ///     anything — backup or temp file — is written (`FileBasis`).
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644,
                             backupSuffix: String? = nil, basis: FileBasis? = nil) throws {
        let dir = try openFolder(parentFolder(of: path), writing: path)
        defer { close(dir) }
        try write(in: dir, path, bytes, mode: mode, backupSuffix: backupSuffix, basis: basis)
    }

    /// Like `write(_:_:mode:backupSuffix:)` for a host path under --root: the folder is opened
    /// with `Host.openInRoot`, so no symlink in the tree (absolute ones included) and no `..`
    /// can lead the write, its temp files or its backup out of the root. Below a --root other
    /// than `/` a symlinked folder is followed inside the tree (image trees have them, and
    /// inside the root they cannot redirect the write); with `--root /` the folder itself must
    /// not be a symlink, as always.
    public static func write(_ path: HostPath, on host: Host, _ bytes: [UInt8], mode: mode_t = 0o644,
                             backupSuffix: String? = nil, basis: FileBasis? = nil) throws {
        let real = host.real(path)
        let dir: Int32
        switch try openFolder(path.parent, on: host) {
        case .success(let fd): dir = fd
        case .failure(let code): throw folderRefusal(parentFolder(of: real), writing: real, errno: code)
        }
        defer { close(dir) }
        try write(in: dir, real, bytes, mode: mode, backupSuffix: backupSuffix, basis: basis)
    }

    /// The folder a write of a file in `folder` goes through, opened inside --root
    /// (`Host.openInRoot`); the debris sweep opens it the same way, so it looks in exactly the
    /// folder the write wrote in and never outside the root.
    static func openFolder(_ folder: HostPath, on host: Host) throws -> SyscallOutcome<Int32> {
        try host.openInRoot(folder, O_RDONLY | O_DIRECTORY | (host.isRunningSystem ? O_NOFOLLOW : 0))
    }

    private static func write(in dir: Int32, _ path: String, _ bytes: [UInt8], mode: mode_t, backupSuffix: String?,
                              basis: FileBasis?) throws {
        let folder = parentFolder(of: path)
        let name = lastComponent(of: path)
        Failpoint.pause("atomic-write")
        removeDebris(in: dir, folder: folder, names: [name] + (backupSuffix.map { [name + $0] } ?? []))
        var st = stat()
        var existing: FileStatus? = nil
        switch Syscall.attempt({ fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) }) {
        case .success: existing = FileStatus(st)
        case .failure(let code) where code == ENOENT: existing = nil
        case .failure(let code): throw DockStoreError.system("cannot look at", path, errno: code)
        }
        if let existing {
            guard existing.kind == .regular else {
                let what = existing.kind == .symlink ? "a symbolic link" : "a \(existing.kind.rawValue)"
                throw DockStoreError.refused("\(path) is \(what): dockstore writes only regular files there; replace it with the file itself")
            }
        }
        // Read once: the same bytes are compared with the plan's and kept as the backup, and
        // the extended attributes (ACLs, security labels) go onto the new file and the backup.
        var old: [UInt8]? = nil
        var xattrs = ExtendedAttributes()
        if existing != nil {
            let fd = try Syscall.check("cannot open", path) { openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
            defer { close(fd) }
            if basis != nil || backupSuffix != nil { old = try readAll(fd, path: path) }
            xattrs = try ExtendedAttributes.read(fd, path: path)
        }
        if let basis, let refusal = basis.refusal(current: old, path: path) { throw refusal }
        if let existing, let old, let backupSuffix {
            try replace(in: dir, folder: folder, name: name + backupSuffix, old, mode: mode_t(existing.mode),
                        owner: (existing.uid, existing.gid), xattrs: xattrs)
        }
        try replace(in: dir, folder: folder, name: name, bytes, mode: existing.map { mode_t($0.mode) } ?? mode,
                    owner: existing.map { ($0.uid, $0.gid) }, xattrs: xattrs)
    }

    /// Opens `folder` for the *at calls, refusing a symlink or a non-folder there.
    static func openFolder(_ folder: String, writing path: String) throws -> Int32 {
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if dir >= 0 { return dir }
        throw folderRefusal(folder, writing: path, errno: errno)
    }

    static func folderRefusal(_ folder: String, writing path: String, errno code: Int32) -> DockStoreError {
        if code == ELOOP || code == ENOTDIR {
            // Only the words of the refusal: unreadable says "file".
            let kind = (try? FileStatus.of(folder))??.kind
            let what = code == ELOOP ? "a symbolic link" : "a \(kind?.rawValue ?? "file")"
            return DockStoreError.refused("\(folder) is \(what), not a folder: dockstore does not write \(path) through it; replace it with the folder itself")
        }
        return DockStoreError.system("cannot open", folder, errno: code)
    }

    /// Temp files a killed run left (`.NAME.dockstore-PID-N` whose PID no longer runs) are
    /// removed, so an interrupted write leaves nothing behind once the next write of the same
    /// file is done. A live process's temp file is never touched, nor anything dockstore cannot
    /// have made there (`debris(in:names:)`).
    static func removeDebris(in dir: Int32, folder: String, names: [String]) {
        for entry in debris(in: dir, names: names) { unlinkat(dir, entry, 0) }
    }

    /// The temp files in `dir` of writes to `names` whose process no longer runs: only what
    /// `replace` creates — a regular file (looked at without following a link) with one link,
    /// owned by the user dockstore runs as (root) or by the owner of the file it stands for
    /// (the temp file gets that owner, a backup's that of the file it backs up), named exactly
    /// `.NAME.dockstore-PID-N`. A symlink, a FIFO, a hard link of another file
    /// or a look-alike name is someone else's and stays.
    static func debris(in dir: Int32, names: [String]) -> [String] {
        guard let entries = FolderEntries.names(in: dir) else { return [] }
        return entries.filter { entry in
            names.contains { name in
                guard let pid = tempFilePID(entry, of: name), pid != getpid() else { return false }
                guard isTempFileShape(entry, of: name, in: dir) else { return false }
                return kill(pid, 0) != 0 && errno == ESRCH
            }
        }
    }

    /// The PID in `entry` when it is exactly a temp name `replace` gives a write of `name`:
    /// `.NAME.dockstore-` then the PID and the attempt (0 to 99), decimal without sign or
    /// leading zero.
    static func tempFilePID(_ entry: String, of name: String) -> Int32? {
        let prefix = ".\(name).dockstore-"
        guard entry.hasPrefix(prefix) else { return nil }
        let parts = entry.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ part in
            !part.isEmpty && part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                && (part.count == 1 || part.first != UInt8(ascii: "0"))
        }) else { return nil }
        guard let pid = Int32(String(decoding: parts[0], as: UTF8.self)), pid > 0,
              let attempt = Int(String(decoding: parts[1], as: UTF8.self)), attempt < 100 else { return nil }
        return pid
    }

    private static func isTempFileShape(_ entry: String, of name: String, in dir: Int32) -> Bool {
        var st = stat()
        guard fstatat(dir, entry, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_nlink == 1 else { return false }
        if st.st_uid == geteuid() { return true }
        let owners = [name, name.hasSuffix(backupSuffix) ? String(name.dropLast(backupSuffix.count)) : nil].compactMap { $0 }
        return owners.contains { owner in
            var target = stat()
            return fstatat(dir, owner, &target, AT_SYMLINK_NOFOLLOW) == 0 && target.st_uid == st.st_uid
        }
    }

    private static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var st = stat()
        try Syscall.check("cannot look at", path) { fstat(fd, &st) }
        return try FileContents.readAll(fd, path: path, size: Int(st.st_size))
    }

    private static func replace(in dir: Int32, folder: String, name: String, _ bytes: [UInt8], mode: mode_t,
                                owner: (uid: UInt32, gid: UInt32)?, xattrs: ExtendedAttributes = ExtendedAttributes()) throws {
        let path = folder == "/" ? "/" + name : folder + "/" + name
        var temp = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            temp = ".\(name).dockstore-\(getpid())-\(attempt)"
            fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 { break }
            let code = errno
            if code == EEXIST { continue }
            throw DockStoreError.system("cannot create", "\(folder)/\(temp)", errno: code)
        }
        guard fd >= 0 else { throw DockStoreError.failed("cannot create a temporary file in \(folder)") }
        var renamed = false
        defer {
            if fd >= 0 { close(fd) }
            if !renamed { unlinkat(dir, temp, 0) }
        }
        let tempPath = "\(folder)/\(temp)"
        // Owner first: fchown clears the set-user-id and set-group-id bits fchmod sets.
        if let owner { try Syscall.check("cannot set the owner of", tempPath) { fchown(fd, owner.uid, owner.gid) } }
        try Syscall.check("cannot set the mode of", tempPath) { fchmod(fd, mode) }
        // After the mode: an access ACL sets the group bits to its mask, the same as the file's.
        try xattrs.apply(to: fd, path: tempPath)
        try writeAll(fd, bytes, path: tempPath)
        try Syscall.check("cannot flush", tempPath) { fsync(fd) }
        close(fd)
        fd = -1
        // The crash tests kill the process here: the temp file is written, the rename not done.
        Failpoint.reached("atomic-write:\(name)")
        try Syscall.check("cannot rename \(tempPath) to", path) { renameat(dir, temp, dir, name) }
        renamed = true
        try Syscall.check("cannot flush", folder) { fsync(dir) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        _ = try Syscall.mapErrno("cannot write", path) { try FileDescriptor(rawValue: fd).writeAll(bytes) }
    }

    /// fsync on a folder, so that a rename or a new entry in it survives a power cut.
    public static func syncFolder(_ folder: String) throws {
        try Syscall.withDescriptor(folder, .readOnly, options: .directory) { fd in
            try Syscall.check("cannot flush", folder) { fsync(fd.rawValue) }
        }
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }
}
