#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Replaces a file so that a crash or power cut leaves either the old or the new
/// version, never an empty or half-written one: a temp file created with O_EXCL in the
/// same folder, written, fsynced, renamed over the target, and the folder fsynced.
public enum AtomicFile {
    /// - Parameters:
    ///   - mode: used for a new file; an existing file keeps its mode and owner.
    ///   - backupSuffix: when given and the file exists, its old bytes are kept beside it
    ///     under this suffix (written the same atomic way) before it is replaced.
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644,
                             backupSuffix: String? = nil) throws {
        let folder = parentFolder(of: path)
        if let parent = try FileStatus.of(folder), parent.kind != .directory {
            let what = parent.kind == .symlink ? "a symbolic link" : "a \(parent.kind.rawValue)"
            throw DockStoreError.refused("\(folder) is \(what), not a folder: dockstore does not write \(path) through it; replace it with the folder itself")
        }
        let existing = try FileStatus.of(path)
        if let existing {
            guard existing.kind == .regular else {
                let what = existing.kind == .symlink ? "a symbolic link" : "a \(existing.kind.rawValue)"
                throw DockStoreError.refused("\(path) is \(what): dockstore writes only regular files there; replace it with the file itself")
            }
            if let backupSuffix, let old = try FileContents.read(path) {
                try replace(path + backupSuffix, old, mode: mode_t(existing.mode), owner: existing.uid)
            }
        }
        try replace(path, bytes, mode: existing.map { mode_t($0.mode) } ?? mode, owner: existing?.uid)
    }

    private static func replace(_ path: String, _ bytes: [UInt8], mode: mode_t, owner: UInt32?) throws {
        let folder = parentFolder(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var temp = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            temp = "\(folder)/.\(name).dockstore-\(getpid())-\(attempt)"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 { break }
            let code = errno
            if code == EEXIST { continue }
            throw DockStoreError.system("cannot create", temp, errno: code)
        }
        guard fd >= 0 else { throw DockStoreError.failed("cannot create a temporary file in \(folder)") }
        var renamed = false
        defer {
            if fd >= 0 { close(fd) }
            if !renamed { unlink(temp) }
        }
        try Syscall.check("cannot set the mode of", temp) { fchmod(fd, mode) }
        if let owner { try Syscall.check("cannot set the owner of", temp) { fchown(fd, owner, gid_t(bitPattern: -1)) } }
        try writeAll(fd, bytes, path: temp)
        try Syscall.check("cannot flush", temp) { fsync(fd) }
        close(fd)
        fd = -1
        try Syscall.check("cannot rename \(temp) to", path) { rename(temp, path) }
        renamed = true
        try syncFolder(folder)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = try Syscall.check("cannot write", path) {
                bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return Glibc.write(fd, base + offset, buffer.count - offset)
                }
            }
            offset += n
        }
    }

    /// fsync on a folder, so that a rename or a new entry in it survives a power cut.
    public static func syncFolder(_ folder: String) throws {
        let fd = try Syscall.check("cannot open", folder) { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try Syscall.check("cannot flush", folder) { fsync(fd) }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }
}
