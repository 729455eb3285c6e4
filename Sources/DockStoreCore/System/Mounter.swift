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
        try mount(source: source, target: target, shownAs: target, canonicalize: true, fstype: fstype, options: options)
    }

    /// Mounts onto the folder `folder` is an open descriptor of, so that nothing swapped in at
    /// its path (a link to a folder outside `--root`) between the check and the mount can move
    /// the mount: the kernel follows `/proc/self/fd/N` to the very folder that was opened.
    /// libmount's canonicalisation is off, or it would turn the descriptor back into a path.
    /// `explainMissingMember` false leaves out the advice for a btrfs whose other device is
    /// missing (attach it, or mount degraded and remove it): wrong when the missing device is a
    /// migration's image, whose chunks exist nowhere else (attack 25 J7).
    public static func mount(source: String, onto folder: Int32, shownAs target: String, fstype: String, options: String,
                             explainMissingMember: Bool = true) throws {
        try mount(source: source, target: "/proc/self/fd/\(folder)", shownAs: target, canonicalize: false, fstype: fstype, options: options,
                  explainMissingMember: explainMissingMember)
    }

    private static func mount(source: String, target: String, shownAs shown: String, canonicalize: Bool,
                              fstype: String, options: String, explainMissingMember: Bool = true) throws {
        guard let context = mnt_new_context() else {
            throw DockStoreError.failed("cannot mount \(source) at \(shown): libmount could not allocate a context")
        }
        defer { mnt_free_context(context) }
        // The fstab line may not be written yet; never let libmount merge in options from it.
        mnt_context_set_optsmode(context, Int32(MNT_OMODE_IGNORE))
        if !canonicalize {
            let rc = mnt_context_disable_canonicalize(context, 1)
            guard rc == 0 else {
                throw DockStoreError.failed("cannot mount \(source) at \(shown): libmount would not leave the target as given (\(String(cString: strerror(-rc))))")
            }
        }
        // No utab entry (/run/mount/utab): dockstore reads mountinfo, the store's fstab line
        // carries its options, and an entry for a mount through `/proc/self/fd/N` names a target
        // nothing can match and that no unmount removes (outside attack 14, Y-UTAB-1).
        let noUtab = mnt_context_disable_mtab(context, 1)
        guard noUtab == 0 else {
            throw DockStoreError.failed("cannot mount \(source) at \(shown): libmount would not leave /run/mount/utab alone (\(String(cString: strerror(-noUtab))))")
        }
        mnt_context_set_source(context, source)
        mnt_context_set_target(context, target)
        mnt_context_set_fstype(context, fstype)
        mnt_context_set_options(context, options)
        let rc = mnt_context_mount(context)
        if rc != 0 || mnt_context_get_status(context) != 1 {
            let code = mnt_context_get_syscall_errno(context)
            var reason = message(context, rc)
            if explainMissingMember, fstype == "btrfs", let missing = missingMember(of: source, mountpoint: shown) { reason += "; \(missing)" }
            throw DockStoreError(.failed, "cannot mount \(source) at \(shown): \(reason)", code: code != 0 ? code : nil)
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

    /// Why a btrfs of several devices did not mount, when the kernel has not seen them all (its
    /// mount then fails with ENOENT, which reads as a missing folder): nil otherwise. Only the
    /// message depends on it, so a device that cannot be read names no cause.
    static func missingMember(of source: String, mountpoint: String) -> String? {
        guard source.hasPrefix("/dev/") else { return nil }
        do {
            guard let superblock = try BtrfsSuperblock.read(source), superblock.numDevices > 1,
                  try !BtrfsControl.devicesReady(source) else { return nil }
            return "the btrfs \(superblock.fsid) on it has \(superblock.numDevices) devices and the kernel has not seen them all (dmesg names the missing devid): attach the missing volume and re-run; to go on without it, mount it by hand with -o degraded and remove the missing device (btrfs device remove missing \(mountpoint))"
        } catch {
            return nil
        }
    }
}
