#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file opened for writing without following a symlink at its name: for resizing
/// an image in place.
struct WritableFile {
    let path: String
    private let fd: Int32
    /// Its size when opened.
    let size: UInt64

    /// Opens `path` (O_WRONLY | O_NOFOLLOW), refuses anything but a regular file, and closes
    /// it again after `body`.
    static func with<T>(_ path: String, _ body: (WritableFile) throws -> T) throws -> T {
        let fd = try Syscall.check("cannot open", path) { open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC) }
        defer { close(fd) }
        var st = stat()
        try Syscall.check("cannot look at", path) { fstat(fd, &st) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw DockStoreError.refused("\(path) is not a regular file") }
        return try body(WritableFile(path: path, fd: fd, size: UInt64(st.st_size)))
    }

    /// ftruncate(2) to `size`, then fsync(2); `operation` names it in the error ("cannot extend").
    func truncate(to size: UInt64, operation: String) throws {
        try Syscall.check(operation, path) { ftruncate(fd, off_t(size)) }
        try Syscall.check("cannot flush", path) { fsync(fd) }
    }
}
