import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A loop device this process bound to a file, with LO_FLAGS_AUTOCLEAR as mount(8) sets it:
/// the kernel detaches it when the last opener goes, so dropping an attachment that was
/// never mounted (`release`) leaves nothing behind, and unmounting a mounted one detaches it.
final class LoopAttachment {
    let path: String
    /// Raw: it outlives any one scope, and the LOOP_* ioctls in CLinuxShim take an int.
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Binds a free loop device to `file` (read-write). Retries when another process takes
    /// the free device first, as libmount does.
    static func attach(_ file: String, loopControl: String = "/dev/loop-control") throws -> LoopAttachment {
        try Syscall.withDescriptor(file, .readWrite) { backing in
            try attach(descriptor: backing.rawValue, shownAs: file, loopControl: loopControl)
        }
    }

    /// Like `attach(_:loopControl:)`, to the file open at `backing` (read-write): for a file
    /// opened inside --root, so that no link swapped in after it was opened can redirect it.
    static func attach(descriptor backing: Int32, shownAs file: String, loopControl: String = "/dev/loop-control") throws -> LoopAttachment {
        try Syscall.withDescriptor(loopControl, .readWrite) { control in
            for _ in 0..<16 {
                let number = try Syscall.check("cannot find a free loop device through", loopControl) {
                    ds_loop_get_free(control.rawValue)
                }
                let path = "/dev/loop\(number)"
                let fd = try Syscall.check("cannot open", path) { open(path, O_RDWR | O_CLOEXEC) }
                switch Syscall.attempt({ ds_loop_attach(fd, backing, 1) }) {
                case .success:
                    return LoopAttachment(path: path, fd: fd)
                case .failure(let code) where code == EBUSY:
                    close(fd)
                case .failure(let code):
                    close(fd)
                    throw DockStoreError.system("cannot bind \(path) to", file, errno: code)
                }
            }
            throw DockStoreError.failed("cannot bind a loop device to \(file): every free loop device was taken by another process first; re-run")
        }
    }

    /// Closes this process's hold; an unmounted autoclear device detaches.
    func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
