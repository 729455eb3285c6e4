/// A loop device over the store's bytes shorter than the store's device in btrfs's records (a
/// size limit, or attached before the image grew): the kernel refuses to mount it (it fails to read the chunk tree; from
/// 512 bytes to 1 MiB short of a 512 MiB device alike), so it is no second instance of the
/// store, though whatever writes to it writes into the store (attack 36 W 3c).
enum TruncatedView {
    /// The words for a view shorter than the store's device of `storeBytes`.
    static func words(_ storeBytes: UInt64) -> String {
        "truncated, shorter than the store's \(storeBytes) bytes, it cannot be mounted as the store"
    }
}
