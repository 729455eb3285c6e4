/// Another filesystem mounted over the store (attack 12, B02, B10): statfs and the btrfs
/// ioctls through the mountpoint read the top one, so its figures would pass for the store's.
extension CapacityProbe {
    /// Fills `mountedOver` from /proc/self/mountinfo (`MountStack`, no library). The store is
    /// the lowest mount there, or a loop device over the configured image (`configured`) when
    /// one is mounted there (the store mounted over something else is not covered). One read of
    /// a small file, cheap enough for `check`; unreadable is UNKNOWN.
    static func readMountedOver(_ mountpoint: String, mountinfo: Result<[MountInfoLine], Error>, configured: StoreFact<String?>, into condition: inout StoreCondition) {
        do {
            guard let stack = MountStack.at(mountpoint, in: MountStack.entries(try mountinfo.get())) else { return }
            var image: String? = nil
            if case .read(let path) = configured { image = path }
            var isStore: (MountEntry) throws -> Bool = { _ in true }
            if let image, let index = try stack.entries.firstIndex(where: { try LoopDevice.backingFile(of: $0.source)?.sameBytes(image) == true }) {
                let source = stack.entries[index].source
                isStore = { $0.source == source }
            }
            condition.mountedOver = try stack.covering(isStore)
        } catch {
            condition.unreadable.append("cannot tell whether another filesystem is mounted over the store at \(mountpoint): \(message(error))")
        }
    }
}
