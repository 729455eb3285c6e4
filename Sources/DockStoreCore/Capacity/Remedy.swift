/// Remedies that work in the state they are named for.
enum Remedy {
    /// How to get unallocated space back. A balance can only return data chunks when the
    /// data chunks hold enough free space to take a chunk's worth of extents elsewhere;
    /// `dockstore reclaim` balances the emptier chunks by rising usage until this rule is
    /// quiet again, and lends the store room when the balance itself runs out of space
    /// (where a bare `btrfs balance start -dusage=10` moves nothing or fails with ENOSPC).
    static func unallocated(_ f: CapacityFigures) -> String {
        let slack = f.dataSize > f.dataUsed ? f.dataSize - f.dataUsed : 0
        let average = f.dataSize == 0 ? 100 : Int((Double(f.dataUsed) * 100 / Double(f.dataSize)).rounded(.up))
        let grow = f.host != nil
            ? "grow the image (dockstore grow --to SIZE; the host needs the room)"
            : "grow the device (resize the EBS volume, then dockstore grow)"
        if slack >= max(f.metadataChunkNeed, 64 << 20), average <= 90 {
            return "the data chunks are \(average)% full on average, so return the emptier ones: dockstore reclaim --mountpoint \(f.mountpoint) (or \(grow))"
        }
        return "the data chunks have only \(ByteSize.format(slack)) free (\(average)% full), too little for a balance to return one: \(grow), or delete data (docker image prune -a; docker builder prune) and then run dockstore reclaim --mountpoint \(f.mountpoint)"
    }

    /// How to save a store whose image file is gone while its loop device still holds it.
    static func copyOut(loop: String, image: String, mountpoint: String) -> String {
        "do not unmount, detach \(loop) or reboot: the data lives only in \(loop) now; stop Docker (systemctl stop docker), freeze the store (fsfreeze -f \(mountpoint)), copy it out (dd if=\(loop) of=\(image).recovered bs=1M conv=sparse), thaw it (fsfreeze -u \(mountpoint)), and put the copy at \(image) before the next boot"
    }
}
