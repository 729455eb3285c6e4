/// Whose Docker's configuration is. Provision points Docker at one store: its drop-in names
/// that store's mountpoint (`DockerDropIn.mountpoint(in:)`). A teardown given another mountpoint (a
/// backup mounted by hand, a store of an earlier mountpoint) takes down that store only; the
/// drop-in, the storage flags and the boot unit stay with the store they serve.
extension Teardowner {
    /// The mountpoint Docker's configuration serves when it is not this teardown's: the one
    /// dockstore's drop-in names, or without a drop-in the settings' (the store
    /// dockstore-provision.service sets up at boot). nil when it is this store's, and when the
    /// drop-in is not dockstore's (the planner refuses to touch that one).
    func otherConfiguredStore(dropIn: [UInt8]?) throws -> HostPath? {
        let configured: HostPath
        if let dropIn {
            guard let named = DockerDropIn.mountpoint(in: dropIn) else { return nil }
            do { configured = try HostPath(named, what: "the mountpoint the drop-in names") } catch let error as DockStoreError {
                throw DockStoreError.refused("\(host.real(HostPaths.dockerDropIn)) names \(named) as Docker's store, which is not a mountpoint dockstore sets up (\(error.message)), so teardown cannot tell which store Docker's configuration serves; nothing was changed: look at it")
            }
        } else {
            configured = try settings.value().mountpoint ?? HostPaths.defaultMountpoint
        }
        // Byte for byte (`HostPath ==`), not through links: fstab's line is found by the path as
        // written, so a mountpoint reached through a linked folder is another store's, as its
        // fstab line is not this teardown's either (attack 10: the drop-in went, the line stayed).
        return configured == request.mountpoint ? nil : configured
    }
}
