extension ProvisionPlanner {
    /// A `storage-driver` in daemon.json other than the one the store takes is the admin's
    /// choice: provision refuses it before anything changes instead of removing it (which
    /// teardown could not give back). `dockstore backend DRIVER` is the command that settles
    /// where the driver is set; provision only leaves alone a daemon.json that already names
    /// the store's driver.
    static func refuseOtherDriver(_ observed: ProvisionObservation, _ host: Host, driver: String) throws {
        guard let bytes = observed.daemonJSON else { return }
        let path = host.real(HostPaths.daemonJSON)
        let daemon = try DaemonJSON(path: path, bytes: bytes)
        guard let other = daemon.driversSet.first(where: { $0 != driver }) else { return }
        throw DockStoreError.refused("\(path) sets \"\(DaemonJSON.driverKey)\": \(DaemonJSON.quoted(other)), but the store takes the \(driver) driver; provision does not override a driver set there: run dockstore backend \(driver) to settle it (it moves the driver setting into DOCKER_OPTS), then re-run provision; nothing was changed")
    }
}
