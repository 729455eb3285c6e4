/// A filesystem at the mountpoint that is not Docker's store, which `check` answers UNKNOWN for
/// (as for nothing mounted there): one of a type no store has (tmpfs, overlay, nfs), or an
/// xfs/ext4 where the store configured there is a btrfs image (attack 12, B02: a host folder
/// bind-mounted there, an ext4 volume mounted at the wrong place). One covering the store
/// (`StoreCondition.mountedOver`) is check's CRITICAL instead, which names both.
public enum NotTheStore {
    /// Why the filesystem `figures` were read from is not the store, or nil when it may be.
    /// `configuredImage` is the image fstab or the settings configure at the mountpoint
    /// (`ConfiguredImage`); unreadable, an xfs/ext4 there cannot be told from the store.
    public static func reason(_ figures: CapacityFigures, configuredImage: StoreFact<String?>) -> String? {
        guard figures.condition.mountedOver == nil else { return nil }
        let mp = figures.mountpoint, type = figures.filesystem
        guard CapacityProbe.storeFilesystems.contains(type) else {
            return "\(type) is mounted at \(mp), not Docker's store: Docker writes there, not on its store (check judges btrfs, xfs and ext4 stores); see findmnt \(mp.shellWord)"
        }
        guard type != "btrfs" else { return nil }
        switch configuredImage {
        case .read(nil): return nil
        case .read(let image?):
            return "\(type) is mounted at \(mp), not Docker's store: the store configured there is the btrfs image \(image) (its fstab line, else DOCKSTORE_IMAGE), which is not mounted; Docker writes on the \(type), not on its store: see findmnt \(mp.shellWord), unmount what is there and mount the store (dockstore provision)"
        case .unreadable(let error):
            return "cannot tell whether the \(type) at \(mp) is Docker's store or mounted in place of its btrfs image: \(error.message)"
        }
    }
}
