extension ProvisionPlanner {
    /// A `storage-driver` in daemon.json other than the one the store takes is the admin's
    /// choice: provision refuses it before anything changes instead of removing it (which
    /// teardown could not give back). `dockstore backend DRIVER` is the command that settles
    /// where the driver is set; provision only leaves alone a daemon.json that already names
    /// the store's driver.
    static func refuseOtherDriver(_ observed: ProvisionObservation, _ host: Host, driver: String) throws {
        guard let bytes = observed.daemonJSON else { return }
        let path = host.real(observed.daemonJSONPlace.path)
        let daemon = try DaemonJSON(path: path, bytes: bytes)
        guard let other = daemon.driversSet.first(where: { $0 != driver }) else { return }
        throw DockStoreError.refused("\(path) sets \"\(DaemonJSON.driverKey)\": \(DaemonJSON.quoted(other)), but the store takes the \(driver) driver; provision does not override a driver set there: run dockstore backend \(driver) to settle it (it moves the driver setting into DOCKER_OPTS), then re-run provision; nothing was changed")
    }

    /// A data root set in DOCKER_OPTS or in dockerd's config file that is not the mountpoint:
    /// Docker would keep its data elsewhere and never use the store, so provision refuses
    /// before anything changes (and status reports it).
    static func refuseOtherDataRoot(_ observed: ProvisionObservation, _ host: Host, mountpoint: HostPath) throws {
        guard let problem = try DockerdConfigPlace.otherDataRoot(
            sysconfig: observed.sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker), daemonJSON: observed.daemonJSON,
            configPath: host.real(observed.daemonJSONPlace.path), mountpoint: mountpoint) else { return }
        throw DockStoreError.refused("\(problem); nothing was changed")
    }
}
