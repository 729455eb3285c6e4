/// The limits below btrfs's own free estimate that refuse writes while df shows space: a
/// member device smaller than the filesystem on it (A1), a qgroup limit (A9, B12), and the
/// inodes of an xfs or ext4 store (B14). Pure, tested with tables.
enum LimitRules {
    static func evaluate(_ f: CapacityFigures, _ policy: CapacityPolicy) -> [CapacityReason] {
        deviceShrunk(f) + quota(f, policy) + inodes(f, policy)
    }

    /// An exact size `grow --to` reads back: whole MiB as `NM`, else bytes.
    static func exactSize(_ bytes: UInt64) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)M" : "\(bytes)"
    }

    /// CRITICAL for each member whose device holds less than btrfs claims on it: writes past the
    /// device's end fail (btrfs counts write errors, the data is lost) and the next mount fails.
    static func deviceShrunk(_ f: CapacityFigures) -> [CapacityReason] {
        f.devices.filter { $0.shortfall > 0 }.map { device in
            let size = ByteSize.format
            let fact = "the btrfs at \(f.mountpoint) claims \(size(device.size)) on \(device.path) (devid \(device.devid)), but the device holds only \(size(device.deviceBytes ?? 0)): writes past its end fail and are lost, and the next mount fails (device total_bytes should be at most \(device.deviceBytes ?? 0))"
            return CapacityReason(state: .critical, figure: "device_smaller_than_filesystem",
                                  message: "\(fact); \(remedy(f, device))")
        }
    }

    static func remedy(_ f: CapacityFigures, _ device: BtrfsReading.Device) -> String {
        let exact = exactSize(device.size)
        if let image = f.condition.image, image.loop == device.path, image.link == .present {
            return "grow the image back to the filesystem's size before anything is written: dockstore grow --to \(exact) \(Remedy.scope(f)) (extends \(image.path) and its loop device)"
        }
        return "grow the device back to at least \(exact) (\(device.size) bytes) before anything is written (the partition, volume or the file under the loop device), and do not unmount until it is"
    }

    /// WARNING/CRITICAL by the data thresholds, taken of the limit, for the qgroup with the least
    /// room; WARNING while the qgroup figures are inconsistent (a rescan runs or is needed).
    static func quota(_ f: CapacityFigures, _ policy: CapacityPolicy) -> [CapacityReason] {
        guard let quota = f.quota else { return [] }
        var reasons: [CapacityReason] = []
        let size = ByteSize.format
        if let room = quota.tightest,
           let (state, range) = CapacityEvaluator.level(room.free, base: room.limit, policy.dataWarning, policy.dataCritical) {
            let fails = room.free == 0 ? "every write into \(f.mountpoint) fails with EDQUOT (Disk quota exceeded)" : "writes into \(f.mountpoint) fail with EDQUOT (Disk quota exceeded) once it is used"
            reasons.append(CapacityReason(state: state, figure: "qgroup_limit",
                message: "qgroup \(room.group.qgroup) limits \(room.figure) bytes to \(size(room.limit)) and \(size(room.free)) is left (\(CapacityEvaluator.pct(room.free, room.limit)) of the limit), \(range.human(base: room.limit)), while btrfs has \(size(f.dataFree)) free: \(fails); raise the limit (btrfs qgroup limit SIZE \(room.group.qgroup) \(f.mountpoint.shellWord)), remove it (btrfs qgroup limit none \(room.group.qgroup) \(f.mountpoint.shellWord)) or remove unused images (docker image prune -a)"))
        }
        if quota.inconsistent {
            reasons.append(CapacityReason(state: .warning, figure: "qgroup_inconsistent",
                message: "the btrfs qgroup figures of \(f.mountpoint) are inconsistent (a quota rescan runs or is needed): the limits are enforced on figures that are off, and check cannot tell how much Docker can write under them; btrfs quota rescan -s \(f.mountpoint.shellWord) shows a running rescan, btrfs quota rescan \(f.mountpoint.shellWord) starts one"))
        }
        return reasons
    }

    /// The inode thresholds: WARNING below 20%, CRITICAL below 10% of the inode count (the data
    /// defaults; fixed, as a byte threshold means nothing for inodes).
    static let inodeWarningPercent = 20.0, inodeCriticalPercent = 10.0

    static func inodeLevels(_ total: UInt64) -> (warning: UInt64, critical: UInt64) {
        (UInt64(Double(total) * inodeWarningPercent / 100), UInt64(Double(total) * inodeCriticalPercent / 100))
    }

    static func inodes(_ f: CapacityFigures, _ policy: CapacityPolicy) -> [CapacityReason] {
        guard let inodes = f.inodes, inodes.total > 0 else { return [] }
        let (warning, critical) = inodeLevels(inodes.total)
        let state: CheckState
        let below: String
        if inodes.free < critical {
            (state, below) = (.critical, "below \(Int(inodeCriticalPercent))% (\(critical))")
        } else if inodes.free < warning {
            (state, below) = (.warning, "below \(Int(inodeWarningPercent))% (\(warning))")
        } else {
            return []
        }
        let fails = inodes.free == 0 ? "every file create fails with ENOSPC" : "file creates fail with ENOSPC once they are used"
        let grow = f.filesystem == "xfs"
            ? "grow it (xfs_growfs \(f.mountpoint.shellWord); xfs_growfs -m raises imaxpct)"
            : "move the store to a filesystem made with more inodes (mkfs.ext4 -i, or btrfs, which has no fixed count)"
        return [CapacityReason(state: state, figure: "inodes_free",
            message: "\(f.filesystem) at \(f.mountpoint) has \(inodes.free) of \(inodes.total) inodes free (\(CapacityEvaluator.pct(inodes.free, inodes.total))), \(below), while \(ByteSize.format(f.dataFree)) of data is free: \(fails) although df shows space; remove unused images and containers (docker image prune -a; docker container prune) or \(grow)")]
    }
}
