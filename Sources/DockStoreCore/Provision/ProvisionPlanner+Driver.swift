extension ProvisionPlanner {
    /// The storage driver provision sets: DOCKSTORE_BACKEND when the settings name one (what
    /// `dockstore backend DRIVER` records there, so that the boot's provision keeps the admin's
    /// choice: attack 14, Y-BOOT-1), else the one the store's filesystem is made for. A named
    /// driver is judged as `backend` judges it (`StorageDriver.fits`): overlay2 or vfs on a btrfs
    /// store is a choice dockerd starts with; btrfs on xfs is refused, nothing changed.
    static func chosenDriver(_ request: ProvisionRequest, fstype: String, default standard: String, host: Host) throws -> String {
        guard let driver = request.driver else { return standard }
        // dockstore's own stores: btrfs and ext4 record d_type, and it makes xfs with ftype=1.
        if let reason = driver.fits(FilesystemType(name: fstype, supportsDType: true)) {
            throw DockStoreError.refused("DOCKSTORE_BACKEND=\"\(driver.name)\" in \(host.real(ProvisionSettings.path)) does not fit this store (\(fstype)): \(reason); set it to \(standard) (or leave it empty) with dockstore backend \(standard); nothing was changed")
        }
        return driver.name
    }
}
