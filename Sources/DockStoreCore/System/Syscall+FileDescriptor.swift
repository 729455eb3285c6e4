import SystemPackage

/// swift-system's `FileDescriptor` where a descriptor is opened by path, used and closed in one
/// place. Its `Errno` becomes dockstore's error (operation, path, errno text) here and nowhere
/// else, so callers see only `DockStoreError`.
extension DockStoreError {
    static func system(_ operation: String, _ path: String, _ code: SystemPackage.Errno) -> DockStoreError {
        system(operation, path, errno: code.rawValue)
    }
}

extension Syscall {
    /// Runs a swift-system call; its `Errno` is thrown as `DockStoreError.system(operation, path)`.
    static func mapErrno<T>(_ operation: String, _ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let code as SystemPackage.Errno {
            throw DockStoreError.system(operation, path, code)
        }
    }

    /// Opens `path` (close-on-exec, EINTR retried) or throws "cannot open `path`: reason".
    static func open(_ path: String, _ mode: FileDescriptor.AccessMode,
                     options: FileDescriptor.OpenOptions = []) throws -> FileDescriptor {
        try mapErrno("cannot open", path) { try FileDescriptor.open(path, mode, options: options.union(.closeOnExec)) }
    }

    /// Like `open`, but returns the errno for callers that take some codes (ENOENT) as answers.
    static func attemptOpen(_ path: String, _ mode: FileDescriptor.AccessMode,
                            options: FileDescriptor.OpenOptions = []) throws -> SyscallOutcome<FileDescriptor> {
        do {
            return .success(try FileDescriptor.open(path, mode, options: options.union(.closeOnExec)))
        } catch let code as SystemPackage.Errno {
            return .failure(code.rawValue)
        }
    }

    /// Opens `path`, runs `body` with the descriptor and closes it (`closeAfter`).
    @discardableResult
    static func withDescriptor<T>(_ path: String, _ mode: FileDescriptor.AccessMode,
                                  options: FileDescriptor.OpenOptions = [],
                                  _ body: (FileDescriptor) throws -> T) throws -> T {
        let fd = try open(path, mode, options: options)
        return try fd.closeAfter(path) { try body(fd) }
    }

    /// A folder opened read-only, as the btrfs and FITRIM ioctls take it; they stay in
    /// CLinuxShim (swift-system has no ioctl), so `body` gets the raw descriptor.
    @discardableResult
    static func withFolder<T>(_ path: String, _ body: (Int32) throws -> T) throws -> T {
        try withDescriptor(path, .readOnly, options: .directory) { try body($0.rawValue) }
    }
}

extension FileDescriptor {
    /// swift-system's `closeAfter`, with a failed close reported as "cannot close `path`".
    /// `body`'s own error wins over a close that fails after it, as in `closeAfter`.
    func closeAfter<R>(_ path: String, _ body: () throws -> R) throws -> R {
        var bodyFinished = false
        do {
            return try closeAfter {
                let result = try body()
                bodyFinished = true
                return result
            }
        } catch let code as SystemPackage.Errno where bodyFinished {
            throw DockStoreError.system("cannot close", path, code)
        }
    }

    /// Reads to the end, in `chunk`-byte reads, throwing "cannot read `path`" on failure;
    /// `limit` is checked after each read.
    func readToEnd(_ path: String, chunk: Int, limit: Int, beyondLimit: () -> DockStoreError) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try Syscall.mapErrno("cannot read", path) {
                try buffer.withUnsafeMutableBytes { try read(into: $0) }
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > limit { throw beyondLimit() }
        }
    }
}
