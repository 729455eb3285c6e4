extension StoreStatus {
    /// What is mounted at the mountpoint, and whether it is the image's store or the requested
    /// device's. A link there is provision's refusal (a problem), yet what is mounted at the
    /// folder it names inside --root (`store` follows it) is shown, as `check` shows it: read
    /// there, never at the host's folder of that name (issue 15), and judged as at a folder:
    /// the image's loop device there is the store mounted (attack 8 F10: it said "no").
    static func mounted(_ observed: ProvisionObservation, store: StoreObservation) throws -> (MountEntry, Bool, Bool)? {
        switch observed.mountpoint {
        case .mounted(let entry, let ofImage, let ofDevice): return (entry, ofImage, ofDevice)
        case .notFolder(.symlink):
            guard let entry = try store.mount() else { return nil }
            var ofImage = false
            if case .file = observed.image {
                ofImage = try store.imageMountedAt().contains(store.mountpoint)
                if !ofImage, entry.fstype == "btrfs" { ofImage = try store.btrfsSpansImage() }
            }
            let ofDevice = observed.device?.mountedAt.contains(store.mountpoint) ?? false
            return (entry, ofImage, ofDevice)
        default: return nil
        }
    }
}
