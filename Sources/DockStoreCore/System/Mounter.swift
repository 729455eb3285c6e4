import CMount
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Mounting and unmounting through libmount's context API, as mount(8) does: libmount sets
/// up (and on failure tears down) the loop device for a regular file with the `loop`
/// option, with LO_FLAGS_AUTOCLEAR so that unmounting detaches it.
public enum Mounter {
    public static func mount(source: String, target: String, fstype: String, options: String) throws {
        guard let context = mnt_new_context() else {
            throw DockStoreError.failed("cannot mount \(source) at \(target): libmount could not allocate a context")
        }
        defer { mnt_free_context(context) }
        // The fstab line may not be written yet; never let libmount merge in options from it.
        mnt_context_set_optsmode(context, Int32(MNT_OMODE_IGNORE))
        mnt_context_set_source(context, source)
        mnt_context_set_target(context, target)
        mnt_context_set_fstype(context, fstype)
        mnt_context_set_options(context, options)
        let rc = mnt_context_mount(context)
        if rc != 0 || mnt_context_get_status(context) != 1 {
            let code = mnt_context_get_syscall_errno(context)
            throw DockStoreError(.failed, "cannot mount \(source) at \(target): \(message(context, rc))",
                                 code: code != 0 ? code : nil)
        }
    }

    public static func unmount(_ target: String) throws {
        guard let context = mnt_new_context() else {
            throw DockStoreError.failed("cannot unmount \(target): libmount could not allocate a context")
        }
        defer { mnt_free_context(context) }
        mnt_context_set_target(context, target)
        let rc = mnt_context_umount(context)
        if rc != 0 || mnt_context_get_status(context) != 1 {
            throw DockStoreError.failed("cannot unmount \(target): \(message(context, rc))")
        }
    }

    private static func message(_ context: OpaquePointer, _ rc: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        _ = mnt_context_get_excode(context, rc, &buffer, buffer.count)
        let text = String(cChars: buffer)
        if !text.isEmpty { return text }
        let code = mnt_context_get_syscall_errno(context)
        return code != 0 ? Errno.text(code) : "libmount error \(rc)"
    }
}
