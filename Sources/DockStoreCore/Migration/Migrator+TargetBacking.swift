/// A loop-device target writes into a file: the move needs room for the store's chunks on that
/// file's filesystem (outside attack 12, A4: a target over a file on a full tmpfs, whose writes
/// failed under a replace the kernel still reported finished).
extension Migrator {
    /// The file behind `path` when it is a loop device, with its host filesystem's free space,
    /// read as `status` reads the image's (`CapacityProbe.hostBacking`); or why it cannot be told.
    static func loopBacking(_ path: String) -> (HostBacking?, String?) {
        guard case .success(let canonical) = PathCalls.realPath(path) else {
            return (nil, "cannot resolve \(path)")
        }
        guard canonical.split(separator: "/").last?.hasPrefix("loop") == true else { return (nil, nil) }
        var seen = StoreCondition()
        let single = BtrfsReading(uuid: "", spaces: [], devices: [BtrfsReading.Device(devid: 0, path: canonical, size: 0)])
        if let backing = CapacityProbe.hostBacking(single, sysfs: "/sys", root: "/", into: &seen) { return (backing, nil) }
        if let image = seen.image, image.link != .present {
            return (nil, "the file \(image.path) behind \(path) was deleted")
        }
        // A file the kernel does not mark deleted but this mount namespace does not show (a loop
        // device a container was given over a file of the host's) cannot be looked at from here:
        // the early refusal is skipped, and the re-checks before the fstab switch and the image's
        // delete (`MovedStoreDamage`) still stop a move whose copy came out damaged.
        if let image = seen.image, image.link == .present, case .success(nil) = Result(catching: { try FileStatus.following(image.path) }) {
            return (nil, nil)
        }
        if let why = seen.unreadable.first { return (nil, why) }
        return (nil, nil)
    }
}
