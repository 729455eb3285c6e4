extension StoreStatus {
    /// The storage driver daemon.json sets, else DOCKER_OPTS; a file that cannot be parsed is
    /// unreadable (dockerd would not start on it), never skipped for the next one.
    mutating func readDriver(_ observed: ProvisionObservation, _ host: Host) {
        do {
            if let bytes = observed.daemonJSON,
               let driver = try DaemonJSON(path: host.real(observed.daemonJSONPlace.path), bytes: bytes).storageDriver {
                dockerStorageDriver = driver
                dockerStorageDriverSource = host.real(observed.daemonJSONPlace.path)
            } else if let bytes = observed.sysconfig,
                      let driver = try SysconfigFile(path: host.real(HostPaths.sysconfigDocker), bytes: bytes).dockerStorage.driver {
                dockerStorageDriver = driver
                dockerStorageDriverSource = "DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker))"
            }
        } catch {
            dockerStorageDriverSource = Self.unreadableSource
            unreadable.append("the storage driver Docker is set to: \(Self.message(error))")
        }
    }

    /// `dockerStorageDriverSource` when the file that sets the driver cannot be read or parsed.
    static let unreadableSource = "unreadable"

    static func message(_ error: Error) -> String { (error as? DockStoreError)?.message ?? "\(error)" }
}
