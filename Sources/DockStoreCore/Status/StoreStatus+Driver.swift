extension StoreStatus {
    /// The storage driver daemon.json sets, else DOCKER_OPTS; a file that cannot be parsed is
    /// unreadable (dockerd would not start on it), never skipped for the next one.
    mutating func readDriver(_ observed: ProvisionObservation, _ host: Host) {
        readDriver(daemonJSON: observed.daemonJSON, place: observed.daemonJSONPlace, sysconfig: observed.sysconfig, host)
    }

    /// The same, reading the files itself: for a store provision could not observe.
    mutating func readDriver(fromFilesOn host: Host) {
        do {
            let sysconfig = try FileContents.read(HostPaths.sysconfigDocker, on: host)
            let place = try DockerdConfigPlace.orStandard(sysconfig: sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker))
            readDriver(daemonJSON: try FileContents.read(place.path, on: host), place: place, sysconfig: sysconfig, host)
        } catch {
            dockerStorageDriverSource = Self.unreadableSource
            unreadable.append("the storage driver Docker is set to: \(Self.message(error))")
        }
    }

    mutating func readDriver(daemonJSON: [UInt8]?, place: DockerdConfigPlace, sysconfig: [UInt8]?, _ host: Host) {
        do {
            if let setting = try DockerdDriverSetting.of(daemonJSON: daemonJSON, place: place, sysconfig: sysconfig, host) {
                dockerStorageDriver = setting.driver
                dockerStorageDriverSource = setting.source
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
