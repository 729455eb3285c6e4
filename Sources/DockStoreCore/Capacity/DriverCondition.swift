/// The storage driver dockerd is set to, as docker.service starts it: daemon.json's (the config
/// file DOCKER_OPTS names, else /etc/docker/daemon.json), else DOCKER_OPTS's; nil when neither
/// sets one (dockerd then picks btrfs on a btrfs data root, overlay2 on xfs and ext4).
public struct DockerdDriverSetting: Sendable, Equatable {
    public var driver: String
    /// Where it is set, for people: the file, or "DOCKER_OPTS in FILE".
    public var source: String

    /// A file that cannot be parsed throws (dockerd would not start on it). An empty value is
    /// none: dockerd 20.10 then picks the driver itself (attack 30 3-empty).
    public static func of(daemonJSON: [UInt8]?, place: DockerdConfigPlace, sysconfig: [UInt8]?, _ host: Host) throws -> DockerdDriverSetting? {
        if let bytes = daemonJSON, let driver = try DaemonJSON(path: host.real(place.path), bytes: bytes).storageDriver, !driver.isEmpty {
            return DockerdDriverSetting(driver: driver, source: host.real(place.path))
        }
        if let bytes = sysconfig, let driver = try SysconfigFile(path: host.real(HostPaths.sysconfigDocker), bytes: bytes).dockerStorage.driver,
           !driver.isEmpty {
            return DockerdDriverSetting(driver: driver, source: "DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker))")
        }
        return nil
    }
}

/// check's `storage_driver_elsewhere` (attack 29 C-drift): dockerd set to another driver than
/// the one whose images the store holds (btrfs on a btrfs store, overlay2 on xfs and ext4, as
/// provision and backend set them). check said OK while status reported it: at its next start
/// Docker sees none of the store's images and containers (another driver's folder), or does not
/// start (btrfs on xfs or ext4).
public enum DriverCondition {
    /// Why the setting does not fit a store of `filesystem`; nil when it does, or nothing is set.
    /// `bootBackend` is DOCKSTORE_BACKEND in `settingsPath` (/etc/sysconfig/dockstore), which
    /// provision applies at every boot: when it names another driver (`dockstore backend` wrote
    /// it), provision keeps the setting, and only `dockstore backend` changes it (attack 33 T 13:
    /// the remedy "or dockstore provision" did nothing).
    public static func elsewhere(_ setting: DockerdDriverSetting?, filesystem: String, bootBackend: StorageDriver? = nil,
                                 settingsPath: String = "/etc/sysconfig/dockstore") -> String? {
        guard let setting else { return nil }
        let wanted = filesystem == "btrfs" ? "btrfs" : "overlay2"
        guard ["btrfs", "xfs", "ext4"].contains(filesystem), setting.driver != wanted else { return nil }
        let remedy = bootBackend.map { $0.name != wanted } == true
            ? "DOCKSTORE_BACKEND=\(bootBackend?.name ?? "") in \(settingsPath) keeps it so at every boot (dockstore provision applies it): run dockstore backend \(wanted) to use the store's images again"
            : "run dockstore backend \(wanted) (or dockstore provision)"
        return "dockerd is set to the \(setting.driver) storage driver (\(setting.source)), not \(wanted): a dockerd started with it does not see the images and containers in the \(filesystem) store; \(remedy)"
    }
}
