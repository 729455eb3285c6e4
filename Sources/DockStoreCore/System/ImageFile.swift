#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The backing file of a loop store: created sparse (ftruncate) or, for `--thick`,
/// preallocated (fallocate) so the host can never run out under it. `allocate` keeps raw
/// descriptors: it works below its folder's descriptor (openat, fchown, posix_fallocate, unlinkat),
/// none of which swift-system offers.
public enum ImageFile {
    /// Creates the file, or sizes an existing blank one (left by a run that crashed before
    /// formatting), in its folder opened inside --root (`Host.openFolderInRoot`). Never follows
    /// a symlink at the file itself; a file this call created is removed again when sizing it
    /// fails, so a failure changes nothing. With `exclusive` the file must not exist yet (a new
    /// image's temporary name): one that appeared is refused, never sized.
    public static func allocate(_ image: HostPath, on host: Host, size: UInt64, thick: Bool, exclusive: Bool = false) throws {
        let path = host.real(image)
        let name = image.lastComponent
        let dir = try host.openFolderInRoot(image.parent)
        defer { close(dir) }
        var created = true
        var fd = openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0, errno == EEXIST {
            if exclusive {
                throw DockStoreError.refused("\(path) appeared while dockstore was about to create it; look at it and re-run")
            }
            created = false
            fd = openat(dir, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw DockStoreError.refused("\(path) is a symbolic link: dockstore never follows one there; remove it")
            }
            throw DockStoreError.system("cannot create", path, errno: code)
        }
        var ok = false
        defer {
            close(fd)
            if !ok && created { unlinkat(dir, name, 0) }
        }
        var st = stat()
        try Syscall.check("cannot look at", path) { fstat(fd, &st) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw DockStoreError.refused("\(path) is a \(FileStatus(st).kind.rawValue), not a regular file; move it away or choose another --image")
        }
        try Syscall.check("cannot set the owner of", path) { fchown(fd, 0, 0) }
        try Syscall.check("cannot set the mode of", path) { fchmod(fd, 0o600) }
        if st.st_size == 0 { try NoCopyOnWrite.setIfBtrfs(fd, path: path) }
        if UInt64(st.st_size) != size {
            if UInt64(st.st_size) > size {
                try Syscall.check("cannot resize", path) { ftruncate(fd, 0) }
            }
            switch Syscall.attempt({ ftruncate(fd, off_t(size)) }) {
            case .success: break
            case .failure(let code) where code == EFBIG || code == EINVAL:
                throw DockStoreError.refused("cannot make \(path) \(ByteSize.format(size)): the filesystem holding it does not allow a file that large; choose a smaller --size")
            case .failure(let code): throw DockStoreError.system("cannot size", path, errno: code)
            }
        }
        if thick {
            let rc = posix_fallocate(fd, 0, off_t(size))
            if rc == ENOSPC {
                // Only the words of the refusal: an unreadable free space is left out, not shown as 0.
                let free = (try? HostSpace.of(AtomicFile.parentFolder(of: path))).map { "only \(ByteSize.format($0.available)) free" } ?? "too little free"
                throw DockStoreError.refused("cannot preallocate \(ByteSize.format(size)) for \(path): its filesystem has \(free); free space, choose a smaller --size, or drop --thick")
            }
            if rc != 0 { throw DockStoreError.system("cannot preallocate", path, errno: rc) }
        }
        try Syscall.check("cannot flush", path) { fsync(fd) }
        try Syscall.check("cannot flush", AtomicFile.parentFolder(of: path)) { fsync(dir) }
        ok = true
    }

    /// Makes the image at `path` at least `size` bytes long (ftruncate, then fsync); never
    /// shrinks it and never follows a symlink at the file itself.
    public static func extend(_ path: String, to size: UInt64) throws {
        try Syscall.withDescriptor(path, .writeOnly, options: .noFollow) { fd in
            let current = try Syscall.mapErrno("cannot look at", path) { try fd.stat().size }
            if current < Int64(size) {
                try Syscall.mapErrno("cannot extend", path) { try fd.resize(to: Int64(size)) }
                // swift-system has no fsync.
                try Syscall.check("cannot flush", path) { fsync(fd.rawValue) }
            }
        }
    }
}
