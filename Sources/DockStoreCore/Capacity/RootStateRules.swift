/// The verdicts on `BtrfsRootState`: the store mounted at the mountpoint is not its top level,
/// or Docker's data root cannot be written although the mount is read-write. Each is
/// CRITICAL: Docker sees none of its data, or no write succeeds.
enum RootStateRules {
    static func evaluate(_ f: CapacityFigures) -> [CapacityReason] {
        let folders = f.condition.dataRootFolders.map { CapacityReason(state: .critical, figure: $0.figure, message: $0.verdict) }
        guard let root = f.condition.root else { return folders }
        return evaluate(root, mountpoint: f.mountpoint) + folders
    }

    static func evaluate(_ root: BtrfsRootState, mountpoint mp: String) -> [CapacityReason] {
        var reasons: [CapacityReason] = []
        if root.subvolumeID != BtrfsRootState.topLevel {
            reasons.append(CapacityReason(state: .critical, figure: "subvolume_not_top_level",
                message: subvolumeNotTopLevel(mountpoint: mp, id: "\(root.subvolumeID)")))
        }
        if root.subvolumeReadOnly {
            reasons.append(CapacityReason(state: .critical, figure: "subvolume_read_only",
                message: subvolumeReadOnly(mountpoint: mp)))
        }
        // Attack 42 Q F10: under +a entries can still be created, only not removed or renamed.
        for (set, letter, name, effect) in [(root.immutable, "i", "immutable", "nothing can be created, renamed or removed in it, so dockerd cannot write its layers and containers"),
                                            (root.appendOnly, "a", "append-only", "entries can be created in it but not removed or renamed, so whatever dockerd replaces by a rename or removes there fails")] where set {
            reasons.append(CapacityReason(state: .critical, figure: "data_root_attribute",
                message: "the data root \(mp) has the \(name) attribute (lsattr -d \(mp.shellWord)): \(effect); chattr -\(letter) \(mp.shellWord)"))
        }
        return reasons
    }

    /// check's, status's and provision's words for a mount showing another subvolume than the top level.
    static func subvolumeNotTopLevel(mountpoint mp: String, id: String) -> String {
        "the btrfs at \(mp) shows subvolume \(id), not the store's top level (id 5): Docker's images, containers and volumes are out of sight there and what it writes goes into that subvolume; set the top level back as the default (btrfs subvolume set-default 5 \(mp.shellWord)), then umount \(mp.shellWord) and mount the store again (dockstore provision)"
    }

    /// check's, status's and provision's words for a subvolume flagged read-only.
    static func subvolumeReadOnly(mountpoint mp: String) -> String {
        "the subvolume at \(mp) is flagged read-only (btrfs property get \(mp.shellWord) ro): no write can succeed and dockerd cannot start on it, although the mount is read-write; btrfs property set \(mp.shellWord) ro false"
    }
}
