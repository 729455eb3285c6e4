extension StoreStatus {
    /// What is mounted at the mountpoint. A link there is provision's refusal (a problem), yet
    /// what is mounted at the folder it names inside --root (`store` follows it) is shown, as
    /// `check` shows it: read there, never at the host's folder of that name (issue 15).
    static func mounted(_ observed: ProvisionObservation, store: StoreObservation) throws -> (MountEntry, Bool, Bool)? {
        switch observed.mountpoint {
        case .mounted(let entry, let ofImage, let ofDevice): return (entry, ofImage, ofDevice)
        case .notFolder(.symlink): return try store.mount().map { ($0, false, false) }
        default: return nil
        }
    }
}
