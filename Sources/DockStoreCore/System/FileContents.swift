#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Reading small configuration files whole, without following a symlink at the last component.
public enum FileContents {
    /// The bytes of `path`, or nil when it does not exist. A symlink there is refused:
    /// dockstore edits files in place and must not be led to write somewhere else.
    public static func read(_ path: String, limit: Int = 16 << 20) throws -> [UInt8]? {
        let opened: SyscallOutcome<Int32>
        switch try Syscall.attemptOpen(path, .readOnly, options: [.noFollow, .nonBlocking]) {
        case .success(let fd): opened = .success(fd.rawValue)
        case .failure(let code): opened = .failure(code)
        }
        return try read(opened: opened, path: path, limit: limit)
    }

    /// Like `read(_:limit:)` for a host path under --root, opened with `Host.openInRoot`:
    /// no symlink in the tree and no `..` leads the read out of the root.
    public static func read(_ path: HostPath, on host: Host, limit: Int = 16 << 20) throws -> [UInt8]? {
        try read(opened: try host.openInRoot(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK), path: host.real(path), limit: limit)
    }

    /// Like `read(_:on:limit:)`, but a symlink at the last component is followed, inside the
    /// root like every other link: for files dockstore only reads to judge what their reader
    /// (dockerd, systemd) takes from them, which follow links too; never for a file it edits.
    public static func readFollowing(_ path: HostPath, on host: Host, limit: Int = 16 << 20) throws -> [UInt8]? {
        try read(opened: try host.openInRoot(path, O_RDONLY | O_NONBLOCK), path: host.realFollowing(path), limit: limit)
    }

    public static func readString(_ path: HostPath, on host: Host) throws -> String? {
        try read(path, on: host).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func read(opened: SyscallOutcome<Int32>, path: String, limit: Int) throws -> [UInt8]? {
        let fd: Int32
        switch opened {
        case .success(let opened): fd = opened
        case .failure(let code):
            if code == ENOENT { return nil }
            if code == ENOTDIR {
                throw DockStoreError.refused("cannot read \(path): \(AtomicFile.parentFolder(of: path)) or a folder above it is not a folder; fix the tree")
            }
            if code == ELOOP {
                throw DockStoreError.refused("\(path) is a symbolic link: dockstore does not edit files through links; replace it with the file itself")
            }
            throw DockStoreError.system("cannot open", path, errno: code)
        }
        let descriptor = FileDescriptor(rawValue: fd)
        return try descriptor.closeAfter(path) {
            let st = try Syscall.mapErrno("cannot look at", path) { try descriptor.stat() }
            guard st.type == .regular else {
                throw DockStoreError.refused("\(path) is a \(FileStatus(st.rawValue).kind.rawValue), not a regular file; replace it with the file itself (or remove it) and re-run")
            }
            return try readAll(fd, path: path, size: Int(st.size), limit: limit)
        }
    }

    /// Everything `fd` has left to read, refused beyond `limit` bytes; `size` (st_size) sizes
    /// the buffer, so small reads (sysfs attributes say 4096) do not clear 64 KiB.
    static func readAll(_ fd: Int32, path: String, size: Int, limit: Int = 16 << 20) throws -> [UInt8] {
        try FileDescriptor(rawValue: fd).readToEnd(path, chunk: max(4096, min(size + 1, 65536)), limit: limit) {
            DockStoreError.refused("\(path) is larger than \(ByteSize.format(UInt64(limit))), more than dockstore reads of a configuration file; make it smaller (or move it away) and re-run")
        }
    }

    public static func readString(_ path: String) throws -> String? {
        try read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
