import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The largest file a filesystem allows, found by asking it (attack 35 Y C7: `grow --to 20T` on
/// ext4, whose largest file with 4 KiB blocks is 16 TiB, planned and printed a dry run that
/// said nothing, then failed with "File too large"). The kernel keeps the limit to itself
/// (`s_maxbytes`), and it depends on the filesystem, its block size and its features; the
/// probe sizes an unnamed file (O_TMPFILE, never visible, gone at close; sparse, so it
/// takes no space): ftruncate(2) to the size wanted, and when it fails with EFBIG, halving the
/// interval between what it accepts and what it refuses to name the limit.
enum LargestFile {
    /// When a file of `size` bytes cannot be in `folder`: the largest size one can have there,
    /// to the byte (some 45 ftruncate calls). nil when it can, or when the filesystem cannot be asked (no O_TMPFILE there, a
    /// read-only filesystem, no permission): the step itself then meets the limit, changing
    /// nothing.
    static func limit(in folder: String, for size: UInt64) -> UInt64? {
        guard size > 0, size <= UInt64(Int64.max) else { return nil }
        let fd = open(folder, O_RDWR | ds_o_tmpfile() | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if ftruncate(fd, off_t(size)) == 0 { return nil }
        guard errno == EFBIG || errno == EINVAL else { return nil }
        var fits: UInt64 = 0
        var tooLarge = size
        while tooLarge - fits > 1 {
            let middle = fits + (tooLarge - fits) / 2
            if ftruncate(fd, off_t(middle)) == 0 {
                fits = middle
            } else if errno == EFBIG || errno == EINVAL {
                tooLarge = middle
            } else {
                return nil
            }
        }
        return fits
    }
}
