/// Whether dockerd, started as docker.service starts it (DOCKER_OPTS in /etc/sysconfig/docker,
/// the config file DOCKER_OPTS names, else /etc/docker/daemon.json), takes the store at the
/// mountpoint as its data root: what status and provision judge, read for `check` (outside
/// attack 14, Y-MON-1: check said OK with the store's figures while dockerd's data root was
/// another folder, on the root filesystem nothing watched).
public enum DataRootCondition {
    /// Why dockerd would not use the store at `mountpoint` (inside `--root`), nil when it
    /// would; a file that cannot be read or parsed throws.
    public static func elsewhere(host: Host, mountpoint: HostPath) throws -> String? {
        let sysconfigPath = host.real(HostPaths.sysconfigDocker)
        // Read as systemd and dockerd read them: through a link (check edits nothing).
        let sysconfig = try FileContents.readFollowing(HostPaths.sysconfigDocker, on: host)
        let place = try DockerdConfigPlace.of(sysconfig: sysconfig, sysconfigPath: sysconfigPath)
        let daemonJSON = try FileContents.readFollowing(place.path, on: host)
        let refusals = try DockerdStartRefusal.reasons(sysconfig: sysconfig, sysconfigPath: sysconfigPath, daemonJSON: daemonJSON,
                                                       daemonPath: host.real(place.path), configGiven: place.given)
        if !refusals.isEmpty { throw DockStoreError.refused(wouldNotStart + refusals.joined(separator: "; ")) }
        return try DockerdConfigPlace.otherDataRoot(sysconfig: sysconfig, sysconfigPath: sysconfigPath, daemonJSON: daemonJSON,
                                                    configPath: host.real(place.path), mountpoint: mountpoint,
                                                    sameFolder: { try host.sameFolder($0, mountpoint) })
    }

    /// How a configuration dockerd refuses to start with (`DockerdStartRefusal`) begins: check
    /// cannot say OK about a store Docker will not start on, as for a file it cannot parse.
    static let wouldNotStart = "dockerd would not start with its configuration: "

    /// Puts what `elsewhere` found into `condition`: the reason, or, when it could not read
    /// what dockerd is told, an unreadable entry (check cannot say OK).
    public static func record(_ fact: StoreFact<String?>, host: Host, into condition: inout StoreCondition) {
        switch fact {
        case .read(let why):
            condition.dataRootElsewhere = why
        case .unreadable(let error) where error.kind == .refused && error.message.hasPrefix(wouldNotStart):
            condition.unreadable.append(error.message)
        case .unreadable(let error):
            condition.unreadable.append("cannot tell whether dockerd's data root is the store (DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker)), dockerd's config file): \(error.message)")
        }
    }
}
