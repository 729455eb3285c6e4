#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs system calls and turns their failures into `DockStoreError`s that carry the
/// operation, the path and errno's text. EINTR is retried, as swift-system does.
///
/// Descriptors opened by path go through swift-system (`Syscall+FileDescriptor.swift`). What it
/// does not offer stays a raw call checked here: openat2 and the O_PATH walk (`Host+Confined`,
/// `ConfinedPath+Open`) and the other at-calls, fsync, fchmod, fchown, flock, the ioctls in
/// CLinuxShim, mount(2) and the mount API, and libmount, libblkid and libbtrfsutil.
enum Syscall {
    @discardableResult
    static func check<T: FixedWidthInteger>(_ operation: String, _ path: String,
                                            _ body: () -> T) throws -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw DockStoreError.system(operation, path, errno: code)
        }
    }

    /// Like `check`, for btrfs ioctls that report some failures as a positive btrfs error
    /// code (enum btrfs_err_code) instead of -1 and errno: those are failures too.
    static func checkBtrfs(_ operation: String, _ path: String, _ body: () -> Int32) throws {
        let result = try check(operation, path, body)
        if result > 0 {
            throw DockStoreError(.failed, "\(operation) \(path): \(BtrfsErrorCode.text(result))")
        }
    }

    /// Like `check`, but returns the errno instead of throwing, for callers that treat
    /// some codes (ENOENT, EEXIST) as answers rather than failures.
    static func attempt<T: FixedWidthInteger>(_ body: () -> T) -> SyscallOutcome<T> {
        while true {
            let result = body()
            if result != -1 { return .success(result) }
            let code = errno
            if code == EINTR { continue }
            return .failure(code)
        }
    }
}

/// The outcome of `Syscall.attempt`: the call's value, or the errno it failed with.
enum SyscallOutcome<T> {
    case success(T)
    case failure(Int32)
}
