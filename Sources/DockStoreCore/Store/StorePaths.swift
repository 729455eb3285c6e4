/// The image and mountpoint a command works on, and /etc/sysconfig/dockstore as this run read
/// it, once. Each path is its flag when given, else the settings file's DOCKSTORE_IMAGE or
/// DOCKSTORE_MOUNTPOINT, else the default (/var/lib/docker-storage.btrfs, /var/lib/docker).
/// There is no process-environment level: DOCKSTORE_* are keys of the settings file, which
/// dockstore-provision.service does not load as an EnvironmentFile.
///
/// A flag's bad value is refused naming the flag; a settings file that cannot be read or
/// trusted is refused naming the file and what to do, with the exit status of its error
/// (a non-regular file or loose permissions 2, a bad value 64), never taken as "no settings".
public struct StorePaths: Sendable, Equatable {
    public var image: HostPath
    public var mountpoint: HostPath
    /// The settings file as read for this run; the store observation carries it.
    public var settings: StoreFact<ProvisionSettings>

    public init(image: HostPath, mountpoint: HostPath, settings: StoreFact<ProvisionSettings>) {
        self.image = image
        self.mountpoint = mountpoint
        self.settings = settings
    }

    /// The paths of a command that takes `--image` and `--mountpoint` (provision, status,
    /// teardown, migrate-ebs, reclaim): it reads the settings file under `host` whatever flags
    /// are given, as these commands take other settings from it too and refuse an untrusted one.
    public static func read(host: Host, image: String?, mountpoint: String?) throws -> StorePaths {
        try resolve(image: image, mountpoint: mountpoint, settings: readSettings(host: host))
    }

    /// `read` over a settings file already read: the precedence, without the host.
    public static func resolve(image: String?, mountpoint: String?, settings: StoreFact<ProvisionSettings>) throws -> StorePaths {
        let file = try settings.value()
        return StorePaths(image: try image.map { try HostPath.file($0, what: "--image") } ?? file.image ?? HostPaths.defaultImage,
                          mountpoint: try flag(mountpoint, "--mountpoint") ?? file.mountpoint ?? HostPaths.defaultMountpoint,
                          settings: settings)
    }

    /// The mountpoint of a command that takes only `--mountpoint` (check, grow, backend) and
    /// the settings file as read for it: read under `host` only when no mountpoint is given
    /// (`check` runs every minute), and refused then when it cannot be read.
    public static func mountpoint(host: Host, given: String?) throws -> (mountpoint: HostPath, settings: StoreFact<ProvisionSettings>) {
        try mountpoint(given: given, settings: { readSettings(host: host) })
    }

    /// `mountpoint(host:given:)` over a reader of the settings file, which runs only when
    /// the flag is not given; when it does not run the fact says the file was not read.
    public static func mountpoint(given: String?, settings read: () -> StoreFact<ProvisionSettings>) throws
        -> (mountpoint: HostPath, settings: StoreFact<ProvisionSettings>) {
        if let given = try flag(given, "--mountpoint") {
            return (given, StoreObserver.notAsked("the settings file (--mountpoint was given)"))
        }
        let settings = read()
        return (try settings.value().mountpoint ?? HostPaths.defaultMountpoint, settings)
    }

    /// /etc/sysconfig/dockstore under `host`, read once; every read failure kept as the reason.
    public static func readSettings(host: Host) -> StoreFact<ProvisionSettings> {
        .reading { try ProvisionSettings.load(host: host) }
    }

    private static func flag(_ text: String?, _ name: String) throws -> HostPath? {
        try text.map { try HostPath($0, what: name) }
    }
}
