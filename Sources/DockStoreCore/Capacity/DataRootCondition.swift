/// Whether dockerd, started as docker.service starts it (DOCKER_OPTS in /etc/sysconfig/docker,
/// the config file DOCKER_OPTS names, else /etc/docker/daemon.json), takes the store at the
/// mountpoint as its data root: what status and provision judge, read for `check` (outside
/// attack 14, Y-MON-1: check said OK with the store's figures while dockerd's data root was
/// another folder, on the root filesystem nothing watched).
public enum DataRootCondition {
    /// Why dockerd would not use the store at `mountpoint` (inside `--root`), nil when it
    /// would; a file that cannot be read or parsed throws.
    public static func elsewhere(host: Host, mountpoint: HostPath) throws -> String? {
        let files = try DockerdStartSettings.Files.read(host: host)
        return try elsewhere(files, host: host, mountpoint: mountpoint)
    }

    /// The same, judged from the files already read. A configuration dockerd refuses to start
    /// with throws (`wouldNotStart`).
    static func elsewhere(_ files: DockerdStartSettings.Files, host: Host, mountpoint: HostPath) throws -> String? {
        let sysconfigPath = host.real(HostPaths.sysconfigDocker)
        let refusals = try DockerdStartRefusal.reasons(sysconfig: files.sysconfig, sysconfigPath: sysconfigPath, daemonJSON: files.daemonJSON,
                                                       daemonPath: host.real(files.place.path), configGiven: files.place.given)
        if !refusals.isEmpty { throw DockStoreError.refused(wouldNotStart + refusals.joined(separator: "; ")) }
        return try DockerdConfigPlace.otherDataRoot(sysconfig: files.sysconfig, sysconfigPath: sysconfigPath, daemonJSON: files.daemonJSON,
                                                    configPath: host.real(files.place.path), mountpoint: mountpoint,
                                                    sameFolder: { try host.sameFolder($0, mountpoint) })
    }

    /// How a configuration dockerd refuses to start with (`DockerdStartRefusal`) begins: check
    /// cannot say OK about a store Docker will not start on, as for a file it cannot parse.
    static let wouldNotStart = "dockerd would not start with its configuration: "
}
