extension StoreCondition.ReadOnly {
    /// The refusal of a command that must write to the store (`grow` resizes it, `reclaim`
    /// balances it) while it is read-only, in the words check uses for the state; nil when it
    /// is writable (attack 31 R 2b, 2c).
    public func refusal(_ mountpoint: String, cannotBe doing: String) -> DockStoreError? {
        switch self {
        case .no:
            return nil
        case .byOption:
            return .refused("\(mountpoint) is mounted read-only (mount option ro), so it cannot be \(doing); nothing was changed: remount it read-write (mount -o remount,rw \(mountpoint.shellWord)) and re-run")
        case .forced:
            return .refused("the btrfs at \(mountpoint) is read-only under a read-write mount (btrfs turns itself read-only after an error it cannot survive), so it cannot be \(doing); nothing was changed: read the cause (dmesg | grep -i btrfs) and copy off what you need while it is readable; a remount will not make it writable")
        }
    }
}
