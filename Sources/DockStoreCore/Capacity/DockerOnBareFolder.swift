/// Nothing mounted at the mountpoint while a dockerd whose data root is the mountpoint runs
/// (attack 15, Y3): the store was lazily unmounted (`umount -l`) or its mount went away under a
/// running Docker, whose drop-in stops it only with a stop job of the mount unit. Docker now
/// writes into the bare folder, on the filesystem that holds it, hidden once the store is
/// mounted again: check says CRITICAL (`docker_on_bare_folder`), not UNKNOWN.
public enum DockerOnBareFolder {
    public static let figure = "docker_on_bare_folder"

    /// The finding, nil when no dockerd answers for this root or its data root is another
    /// folder (`data_root_elsewhere` says that one); `dataRootElsewhere` is the check's reading
    /// of DOCKER_OPTS and dockerd's config file.
    /// With `hidden`, the store is still mounted, under a later mount above it (`HiddenMount`).
    public static func find(host: Host, mountpoint: String, dataRootElsewhere: StoreFact<String?>, hidden: HiddenMount? = nil) throws -> CapacityReason? {
        try find(host: host, mountpoint: mountpoint, dataRootElsewhere: dataRootElsewhere, selfBound: false, hidden: hidden)
    }

    /// The same when what is mounted at the mountpoint is the bare folder bound onto itself,
    /// which dockerd does to a data root that is no mount point (`SelfBindMount`); nil when the
    /// mount there is anything else.
    public static func findBehindItsBind(host: Host, mountpoint: String, dataRootElsewhere: StoreFact<String?>) throws -> CapacityReason? {
        guard try SelfBindMount.covers(mountpoint) else { return nil }
        return try find(host: host, mountpoint: mountpoint, dataRootElsewhere: dataRootElsewhere, selfBound: true)
    }

    static func find(host: Host, mountpoint: String, dataRootElsewhere: StoreFact<String?>, selfBound: Bool, hidden: HiddenMount? = nil) throws -> CapacityReason? {
        guard let pid = try DockerDaemon.running(host: host) else { return nil }
        guard case .read(nil) = dataRootElsewhere else { return nil }
        let who = pid > 0 ? "dockerd (pid \(pid))" : "a dockerd (its socket \(host.real(DockerDaemon.socketPath)) answers)"
        if let hidden {
            return CapacityReason(state: .critical, figure: figure,
                message: "\(hidden.described), and \(who) runs with its data root there: what Docker writes now goes into \(hidden.coverTarget)'s folder, not the store; stop Docker (systemctl stop docker), umount \(hidden.coverTarget) once to uncover the store, then start Docker (what it wrote meanwhile stays in the bare folder under the store's mount)")
        }
        let what = selfBound
            ? "the store is not mounted at \(mountpoint) (what is mounted there is the bare folder bound onto itself, as dockerd does to a data root that is no mount point: it cannot be unmounted while dockerd runs), and \(who) runs with its data root there"
            : "nothing is mounted at \(mountpoint), but \(who) runs with its data root there"
        return CapacityReason(state: .critical, figure: figure,
            message: "\(what): what Docker writes now goes into the bare folder, on the filesystem that holds it, and is hidden once the store is mounted again (a lazy unmount, or a mount gone under a running Docker); stop Docker (systemctl stop docker), move aside what it wrote in \(mountpoint), then dockstore provision mounts the store")
    }
}
