/// One step of `backend`. The settings go first, then daemon.json: a crash between the last
/// two leaves dockerd with one setting, never with a conflict.
public enum BackendStep: AppliedStep, Equatable {
    /// `path`: dockerd's config file, the one DOCKER_OPTS' --config-file names, else /etc/docker/daemon.json.
    case writeDaemonJSON(path: HostPath, old: [UInt8], new: [UInt8], change: String)
    case writeSysconfig(old: [UInt8]?, new: [UInt8], change: String)
    /// /etc/sysconfig/dockstore: the driver the boot's provision sets (`BackendSettingsEdit`).
    case writeBootSettings(old: [UInt8]?, new: [UInt8], change: String)
    case restartDocker

    /// Its raw value is the step's id and failpoint name.
    public enum Kind: String, StepKind {
        case writeDaemonJSON = "daemon-json"
        case writeSysconfig = "sysconfig"
        case writeBootSettings = "boot-settings"
        case restartDocker = "restart-docker"
    }

    public var kind: Kind {
        switch self {
        case .writeDaemonJSON: return .writeDaemonJSON
        case .writeSysconfig: return .writeSysconfig
        case .writeBootSettings: return .writeBootSettings
        case .restartDocker: return .restartDocker
        }
    }

    public func plannedWrites(_ host: Host) -> [WritePreflight.PlannedWrite] {
        switch self {
        case .writeDaemonJSON(let path, _, let bytes, _):
            [.at(path, on: host, bytes: bytes.count).renaming(path, on: host, backup: true)]
        case .writeSysconfig(_, let bytes, _):
            [.at(HostPaths.sysconfigDocker, on: host, bytes: bytes.count).renaming(HostPaths.sysconfigDocker, on: host, backup: true)]
        case .writeBootSettings(_, let bytes, _):
            [.at(ProvisionSettings.path, on: host, bytes: bytes.count).renaming(ProvisionSettings.path, on: host, backup: true)]
        case .restartDocker: []
        }
    }
}

public struct BackendPlan: Sendable, Equatable {
    public var steps: [BackendStep]
    public var warnings: [String]
    /// Set when Docker must be restarted by hand for the change to take effect.
    public var restartNote: String?
}

/// The pure decision behind `dockstore backend DRIVER`.
public enum BackendPlanner {
    public static func plan(_ observed: BackendObservation, _ request: BackendRequest, _ host: Host) throws -> BackendPlan {
        var warnings: [String] = []
        let target = host.realFollowing(request.mountpoint)
        if let fs = observed.filesystem {
            if let reason = request.driver.fits(fs) {
                guard request.force else {
                    throw DockStoreError.refused("refusing: \(target) is on \(fs.name)\(observed.notMountedNote); \(reason); choose a driver that fits, or --force to write it anyway")
                }
                warnings.append("\(target) is on \(fs.name)\(observed.notMountedNote): \(reason); written anyway (--force), dockerd will likely fail to start")
            }
            if let reason = StorageQuota.problem(options: request.options.map(\.description), filesystem: fs,
                                                 projectQuota: observed.projectQuota, target: target) {
                guard request.force else {
                    throw DockStoreError.refused("refusing: \(reason) (--force writes it anyway); nothing was changed")
                }
                warnings.append("\(reason); written anyway (--force)")
            }
        } else {
            warnings.append("\(target) does not exist, so whether \(request.driver.name) fits its filesystem was not checked")
        }
        if observed.daemonJSONPlace.given && observed.daemonJSON == nil {
            throw DockStoreError.refused("DOCKER_OPTS in \(host.real(HostPaths.sysconfigDocker)) names --config-file \(host.real(observed.daemonJSONPlace.path)), which does not exist: dockerd refuses to start without it; create it (or remove that flag) and run again; nothing was changed")
        }
        let selection = try StorageSelection.plan(
            driver: request.driver.name, options: request.options.map(\.description),
            sysconfigBytes: observed.sysconfig, sysconfigPath: host.real(HostPaths.sysconfigDocker),
            daemonJSONBytes: observed.daemonJSON, daemonJSONPath: host.real(observed.daemonJSONPlace.path))
        warnings += selection.warnings
        if selection.daemonJSON != nil || selection.sysconfig != nil {
            switch observed.otherDriversContent {
            case .success(let others):
                if let warning = others.warning(switchingTo: request.driver.name, dataRoot: target) { warnings.append(warning) }
            case .failure(let error):
                warnings.append("cannot tell which images and containers \(target) holds under other drivers, which a dockerd started with \(request.driver.name) would not see: \(error.message)")
            }
        }
        // What backend writes decides nothing when docker.service does not hand it to dockerd.
        warnings += observed.dockerServiceProblems
        var steps: [BackendStep] = []
        if let edit = selection.daemonJSON, let old = observed.daemonJSON {
            steps.append(.writeDaemonJSON(path: observed.daemonJSONPlace.path, old: old, new: edit.bytes, change: edit.change))
        }
        if let edit = selection.sysconfig {
            steps.append(.writeSysconfig(old: observed.sysconfig, new: edit.bytes, change: edit.change))
        }
        var note: String? = nil
        let dockerdChanges = !steps.isEmpty
        // First: a kill before DOCKER_OPTS is written leaves a boot that sets the new driver.
        let settingsPath = host.real(ProvisionSettings.path)
        // Nothing mounted there: the folder's filesystem is the root disk's, not the store's.
        let storeFilesystem = observed.mounted ? observed.filesystem : nil
        if observed.bootSettingsFile != nil || observed.provisioned {
            // The boot's provision sets only a driver that fits the store: --force cannot
            // last past the next boot there (attack 17, A1).
            if request.force, let fs = storeFilesystem, let reason = request.driver.fits(fs) {
                throw DockStoreError.refused("refusing: \(target) is on \(fs.name): \(reason); --force would write it for now, but the boot's dockstore provision sets only a driver that fits the store (DOCKSTORE_BACKEND in \(settingsPath)), so the next boot would refuse: choose a driver that fits; nothing was changed")
            }
            if let settings = try BackendSettingsEdit.plan(current: observed.bootSettingsFile, request: request,
                                                           storeFilesystem: storeFilesystem, path: settingsPath) {
                steps.insert(.writeBootSettings(old: observed.bootSettingsFile, new: settings.bytes, change: settings.change), at: 0)
            }
        }
        if dockerdChanges {
            if request.restart && observed.systemdRunning {
                steps.append(.restartDocker)
            } else if request.restart {
                note = "cannot restart Docker: systemd does not run \(host.isRunningSystem ? "this system" : host.root); restart dockerd yourself for the change to take effect"
            } else {
                note = "restart Docker for the change to take effect: systemctl restart docker (or dockstore backend … --restart)"
            }
        }
        return BackendPlan(steps: steps, warnings: warnings, restartNote: note)
    }
}
