#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BlockDevice {
    /// FNV-1a 64 over the device's first and last MiB (where signatures live), as 16 hex
    /// digits, read from the device itself: clean cached pages are dropped first, since what a
    /// btrfs device replace writes bypasses the page cache.
    public func endsFingerprint() throws -> String {
        let size = try self.size()
        let span: UInt64 = 1 << 20
        var offsets: [UInt64] = [0]
        if size > span { offsets.append(size - span) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: Int(span))
        for offset in offsets {
            let want = Int(min(span, size - offset))
            _ = posix_fadvise(fd, off_t(offset), off_t(want), POSIX_FADV_DONTNEED)
            var done = 0
            while done < want {
                let n = try Syscall.check("cannot read", path) {
                    buffer.withUnsafeMutableBytes { raw -> Int in
                        guard let base = raw.baseAddress else { return 0 }
                        return pread(fd, base + done, want - done, off_t(offset) + off_t(done))
                    }
                }
                guard n > 0 else { throw DockStoreError.failed("cannot read \(path): it ended at byte \(offset + UInt64(done))") }
                done += n
            }
            for byte in buffer[0..<want] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
