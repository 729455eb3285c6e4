import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LoopDevice {
    /// LOOP_SET_CAPACITY: the loop device at `path` re-reads its backing file's size (after
    /// the file grew or was cut back).
    public static func refreshCapacity(_ path: String) throws {
        try Syscall.withDescriptor(path, .readOnly) { descriptor in
            let fd = descriptor.rawValue  // for the ioctl in CLinuxShim: swift-system has no ioctl
            try Syscall.check("cannot refresh the capacity of", path) { ds_loop_set_capacity(fd) }
        }
    }

    /// LOOP_CLR_FD: detaches the loop device at `path` from its file; one already detached
    /// (ENXIO) is not a failure.
    public static func detach(_ path: String) throws {
        try Syscall.withDescriptor(path, .readOnly) { descriptor in
            let fd = descriptor.rawValue
            if case .failure(let code) = Syscall.attempt({ ds_loop_clear(fd) }), code != ENXIO {
                throw DockStoreError.system("cannot detach", path, errno: code)
            }
        }
    }
}
