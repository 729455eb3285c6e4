/// What dockerd, started as docker.service starts it, is told about its store: its data root
/// (`DataRootCondition`) and its storage driver (`DockerdDriverSetting`), judged from one
/// reading of DOCKER_OPTS in /etc/sysconfig/docker and of the config file it names (else
/// /etc/docker/daemon.json). check reads the two files once and reports one reason when they
/// cannot be read.
public struct DockerdStartSettings: Sendable, Equatable {
    public init(dataRootElsewhere: String? = nil, driver: DockerdDriverSetting? = nil) {
        self.dataRootElsewhere = dataRootElsewhere
        self.driver = driver
    }

    /// Why dockerd would not take the store at the mountpoint as its data root; nil when it would.
    public var dataRootElsewhere: String?
    /// The storage driver dockerd is set to; nil when none is set.
    public var driver: DockerdDriverSetting?

    /// DOCKER_OPTS' file and the config file it makes dockerd read, as read once.
    struct Files {
        var sysconfig: [UInt8]?
        var place: DockerdConfigPlace
        var daemonJSON: [UInt8]?

        /// Reads them as systemd and dockerd read them: through a link (check and status edit
        /// nothing). A sysconfig file that does not parse throws: the config file's place is
        /// then unknown.
        static func read(host: Host) throws -> Files {
            let sysconfig = try FileContents.readFollowing(HostPaths.sysconfigDocker, on: host)
            let place = try DockerdConfigPlace.of(sysconfig: sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker))
            return Files(sysconfig: sysconfig, place: place, daemonJSON: try FileContents.readFollowing(place.path, on: host))
        }
    }

    /// Reads the files once and judges both. A file that cannot be read or parsed, or a
    /// configuration dockerd refuses to start with, throws.
    public static func read(host: Host, mountpoint: HostPath) throws -> DockerdStartSettings {
        let files = try Files.read(host: host)
        return DockerdStartSettings(
            dataRootElsewhere: try DataRootCondition.elsewhere(files, host: host, mountpoint: mountpoint),
            driver: try DockerdDriverSetting.of(daemonJSON: files.daemonJSON, place: files.place, sysconfig: files.sysconfig, host))
    }

    /// Puts what was read into `condition`: each reason (the driver judged against a store of
    /// `filesystem`), or, when the files could not be read, one unreadable entry (check cannot
    /// say OK).
    /// `bootBackend`: DOCKSTORE_BACKEND, which provision applies at boot (`DriverCondition`).
    public static func record(_ fact: StoreFact<DockerdStartSettings>, filesystem: String, bootBackend: StorageDriver? = nil, host: Host,
                              into condition: inout StoreCondition) {
        switch fact {
        case .read(let settings):
            condition.dataRootElsewhere = settings.dataRootElsewhere
            condition.driverElsewhere = DriverCondition.elsewhere(settings.driver, filesystem: filesystem, bootBackend: bootBackend,
                                                                  settingsPath: host.real(ProvisionSettings.path))
        case .unreadable(let error) where error.kind == .refused && error.message.hasPrefix(DataRootCondition.wouldNotStart):
            condition.unreadable.append(error.message)
        case .unreadable(let error):
            condition.unreadable.append("cannot tell dockerd's data root or storage driver (DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker)), dockerd's config file): \(error.message)")
        }
    }
}
