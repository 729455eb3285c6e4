extension StoreStatus {
    /// The image store's btrfs smaller than its file by more than a MiB: a grow killed after it
    /// extended the file (or a file extended by hand) left room the store does not use; a re-run
    /// of grow finishes it (attack 33 T 17: status said "in place" with no word of it). A warning,
    /// not a problem: nothing fails, the store only has less room than its image.
    static func growUnfinished(_ capacity: CapacityFigures, image: Image?, mounted: Bool) -> String? {
        let members = capacity.devices.filter { !$0.isMissing }
        guard mounted, capacity.filesystem == "btrfs", members.count == 1, let member = members.first,
              let image, image.exists, let file = image.apparentBytes, file > member.size + (1 << 20) else { return nil }
        return "the btrfs on \(image.path) uses \(ByteSize.format(member.size)) of its \(ByteSize.format(file)) file: a grow did not finish (or the file was extended by hand); dockstore grow --to \(ByteSize.argument(file)) gives the store the rest"
    }
}
