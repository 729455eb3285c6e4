/// What `dockstore backend DRIVER` is asked to set.
public struct BackendRequest: Sendable, Equatable {
    public var driver: StorageDriver
    public var options: [StorageOption]
    /// Write it even though the driver does not fit the filesystem at the mountpoint.
    public var force: Bool
    /// Restart docker.service afterwards (through systemctl, when systemd runs the host).
    public var restart: Bool
    public var mountpoint: HostPath

    public init(driver: String, options: [String], force: Bool = false, restart: Bool = false,
                mountpoint: HostPath = HostPaths.defaultMountpoint) throws {
        let parsedDriver = try StorageDriver(parsing: driver)
        self.driver = parsedDriver
        let parsed = try options.map { try StorageOption(parsing: $0, for: parsedDriver) }
        var seen: Set<String> = []
        for option in parsed where !seen.insert(option.key).inserted && option.key != "dm.mkfsarg" {
            throw DockStoreError.usage("--storage-opt \(option.key) is given twice; give it once")
        }
        self.options = parsed
        self.force = force
        self.restart = restart
        self.mountpoint = mountpoint
    }
}

/// What `backend` reads: the two files dockerd takes its storage settings from, and the
/// filesystem at the mountpoint.
public struct BackendObservation: Sendable, Equatable {
    public var sysconfig: [UInt8]?
    /// The bytes of dockerd's config file (`daemonJSONPlace`); nil when it does not exist.
    public var daemonJSON: [UInt8]?
    /// Which file `daemonJSON` is: the one DOCKER_OPTS' --config-file names, else /etc/docker/daemon.json.
    public var daemonJSONPlace: DockerdConfigPlace = .standard
    /// nil when the mountpoint does not exist.
    public var filesystem: FilesystemType?
    /// Whether something is mounted at the mountpoint: its filesystem is otherwise the folder's
    /// (the root disk's), not the store's (attack 15, C10).
    public var mounted = true
    /// Whether the filesystem at the mountpoint enforces project quota (`StorageQuota`); read
    /// for xfs and ext4 only, nil elsewhere.
    public var projectQuota: Bool?
    public var systemdRunning: Bool
    /// Why DOCKER_OPTS in /etc/sysconfig/docker would not reach dockerd (`DockerServiceReading`).
    public var dockerServiceProblems: [String] = []
    /// /etc/sysconfig/dockstore (read when a driver is to be set), and whether provision ran on
    /// this tree (its folder record is there): where the boot's provision would set the driver
    /// the settings name, `BackendSettingsEdit` records the one given.
    public var bootSettingsFile: [UInt8]?
    public var provisioned = false
    /// What the mounted store holds under other drivers than the one asked for, or why it could
    /// not be read.
    public var otherDriversContent: Result<OtherDriversContent, DockStoreError> = .success(OtherDriversContent())

    public init(sysconfig: String? = nil, daemonJSON: String? = nil, filesystem: FilesystemType? = nil,
                systemdRunning: Bool = false) {
        self.sysconfig = sysconfig.map { Array($0.utf8) }
        self.daemonJSON = daemonJSON.map { Array($0.utf8) }
        self.filesystem = filesystem
        self.systemdRunning = systemdRunning
    }

    /// Reads them; checks d_type only where it decides anything (overlay2 on xfs).
    public static func read(host: Host, mountpoint: HostPath, checkDTypeFor driver: StorageDriver?) throws -> BackendObservation {
        var observed = BackendObservation()
        observed.sysconfig = try FileContents.read(HostPaths.sysconfigDocker, on: host)
        observed.dockerServiceProblems = DockerServiceReading.problems(on: host)
        observed.daemonJSONPlace = try DockerdConfigPlace.orStandard(sysconfig: observed.sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker))
        observed.daemonJSON = try FileContents.read(observed.daemonJSONPlace.path, on: host)
        // Resolved inside --root, links at the last component too: the plain-path reads below
        // would otherwise follow an absolute link out to the host's folder.
        let target = host.realFollowing(mountpoint)
        // A store hidden under a later mount above it: the filesystem a path there reaches is not
        // the store's, and a driver judged by it would be wrong (attack 44 O 1b, 1c).
        if let hidden = try HiddenMount.find(at: target) {
            throw DockStoreError.refused("\(hidden.described); \(hidden.remedy(then: "re-run")); nothing was changed")
        }
        if !host.isRunningSystem, let foreign = try ForeignTreeMount.find(root: host.root, paths: [target] + HostPaths.consulted.map { host.real($0) }) {
            throw DockStoreError.refused("refusing: \(foreign.refusal(root: host.root))")
        }
        if try FileStatus.following(target)?.kind == .directory {
            var fs = try FilesystemType.of(target, checkDType: false)
            if driver == .overlay2 || driver == nil, fs.name == "xfs" {
                fs = try FilesystemType.of(target, checkDType: true)
            }
            observed.filesystem = fs
            observed.mounted = try MountTable.read().mount(at: target) != nil
            if observed.mounted, let driver {
                do {
                    observed.otherDriversContent = .success(try OtherDriversContent.read(dataRoot: target, than: driver.name))
                } catch let error as DockStoreError {
                    observed.otherDriversContent = .failure(error)
                }
            }
            if ["xfs", "ext4"].contains(fs.name) { observed.projectQuota = try StorageQuota.enforced(at: target) }
        }
        let systemd = try FileStatus.following(host.realFollowing(HostPaths.systemdRuntime))
        observed.systemdRunning = host.isRunningSystem && systemd?.kind == .directory
        if driver != nil {
            // The checks the boot's provision makes of the file (root's, not group-writable,
            // in folders only root can change): a file it would refuse is refused here first.
            observed.bootSettingsFile = try ProvisionSettings.loadFile(host: host).bytes
            observed.provisioned = try FileStatus.of(host.real(ProvisionFolderRecord.path)) != nil
            if observed.bootSettingsFile == nil, observed.provisioned {
                try ProvisionSettings.refuseLooseFolders(of: host.real(ProvisionSettings.path), root: host.root)
            }
        }
        return observed
    }
}

extension BackendObservation {
    /// Said after "is on FS" when nothing is mounted at the mountpoint: the filesystem named is
    /// the folder's, and the store is not there.
    var notMountedNote: String {
        mounted ? "" : " (nothing is mounted there: that is the folder's own filesystem, not Docker's storage, which is not mounted; dockstore provision mounts it)"
    }
}
