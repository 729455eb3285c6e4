import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LoopDevice {
    /// LOOP_SET_CAPACITY: the loop device at `path` re-reads its backing file's size (after
    /// the file grew or was cut back). A kernel name, `/dev/loopN`, is the kernel's loopN
    /// (`withKernelDescriptor`; attack 38 U A1: through a node of another device the call went there).
    public static func refreshCapacity(_ path: String) throws {
        try withKernelDescriptor(path) { descriptor in
            let fd = descriptor.rawValue  // for the ioctl in CLinuxShim: swift-system has no ioctl
            try Syscall.check("cannot refresh the capacity of", path) { ds_loop_set_capacity(fd) }
        }
    }

    /// LOOP_CLR_FD: detaches the loop device at `path` from its file; one already detached
    /// (ENXIO) is not a failure.
    /// A kernel name, `/dev/loopN`, detaches the kernel's loopN (`withKernelDescriptor`), never
    /// the device a replaced node at that name is.
    public static func detach(_ path: String) throws {
        try withKernelDescriptor(path) { descriptor in
            let fd = descriptor.rawValue
            if case .failure(let code) = Syscall.attempt({ ds_loop_clear(fd) }), code != ENXIO {
                throw DockStoreError.system("cannot detach", path, errno: code)
            }
        }
    }

    /// Waits up to `seconds` until the loop devices at `paths` are unbound. LOOP_CLR_FD on a
    /// device someone else has open (udev or blkid probing it, another program reading its
    /// status) only marks it for autoclear; the kernel unbinds it at the last close. Looked at
    /// in sysfs (`/sys/block/NAME/loop` exists while it is bound), never by opening the
    /// device, which would hold it open again. A device still bound afterwards is left for
    /// the next step's re-check to refuse with its reason.
    public static func waitUntilReleased(_ paths: [String], seconds: Double = 10, sysBlock: String = "/sys/block") {
        let names = paths.map { String($0.split(separator: "/").last ?? Substring($0)) }
        var waited = 0.0
        while names.contains(where: { access("\(sysBlock)/\($0)/loop", F_OK) == 0 }), waited < seconds {
            usleep(20_000)
            waited += 0.02
        }
    }
}
