/// The btrfs quota read of check (`QuotaReading`): limits that refuse writes with EDQUOT while
/// btrfs itself has room (attack 12, A9 and B12).
extension CapacityProbe {
    /// Quotas enabled but their figures or the qgroups above the data root unreadable are
    /// "cannot tell" (UNKNOWN), never "no limit".
    static func readQuota(_ reading: BtrfsReading, mountpoint: String, sysfs: String, into figures: inout CapacityFigures) {
        let subvolume = reading.root?.subvolumeID ?? BtrfsRootState.topLevel
        do {
            figures.quota = try QuotaReading.read(uuid: reading.uuid, mountpoint: mountpoint, subvolume: subvolume, sysfs: sysfs)
        } catch {
            figures.condition.unreadable.append("btrfs quotas are enabled on \(mountpoint), and dockstore cannot tell how much their limits let Docker write: \(message(error))")
        }
    }
}
