import FoundationEssentials

/// What `dockstore backend` with no driver shows: the storage driver and options dockerd
/// will start with, where each comes from, and what would keep it from starting.
public struct BackendReport: Codable, Sendable, Equatable {
    public var driver: String?
    public var driverSource: String
    public var options: [String]
    public var optionsSource: String?
    public var filesystem: String?
    public var problems: [String]
    public var warnings: [String]

    public static func inspect(_ observed: BackendObservation, host: Host, mountpoint: HostPath) -> BackendReport {
        let sysconfigPath = host.real(HostPaths.sysconfigDocker)
        let daemonPath = host.real(observed.daemonJSONPlace.path)
        var report = BackendReport(driver: nil, driverSource: "not set: dockerd picks one itself (overlay2 where it can)",
                                   options: [], optionsSource: nil, filesystem: observed.filesystem?.name,
                                   problems: [], warnings: [])
        report.problems += observed.dockerServiceProblems
        var daemon: DaemonJSON? = nil
        if let bytes = observed.daemonJSON {
            do { daemon = try DaemonJSON(path: daemonPath, bytes: bytes) } catch let error as DockStoreError {
                report.problems.append(error.message)
            } catch {}
        }
        var storage = DockerOptions.Storage()
        var flags: (line: DockerdCommandLine, words: [String])? = nil
        if let bytes = observed.sysconfig {
            do {
                let file = try SysconfigFile(path: sysconfigPath, bytes: bytes)
                storage = try file.dockerStorage
                flags = (try file.dockerCommandLine, DockerOptions(file.value(SysconfigFile.dockerOptsName) ?? "").words)
                if file.assignment(SysconfigFile.dockerOptsName)?.expands == true {
                    report.problems.append("\(sysconfigPath): DOCKER_OPTS uses shell expansion; what dockerd gets depends on the environment")
                }
            } catch let error as DockStoreError {
                report.problems.append(error.message)
                report.driverSource = "unreadable: \(sysconfigPath) cannot be read as dockerd gets it (see the problems)"
            } catch {}
        }
        if let driver = storage.driver {
            report.driver = driver
            report.driverSource = "DOCKER_OPTS in \(sysconfigPath)"
        }
        if !storage.options.isEmpty {
            report.options = storage.options
            report.optionsSource = "DOCKER_OPTS in \(sysconfigPath)"
        }
        if let daemon {
            if let problem = daemon.unknownKeysProblem { report.problems.append(problem) }
            if let problem = daemon.valueTypesProblem { report.problems.append(problem) }
            let conflicts = flags.map { DockerdFlagConflicts.find($0.line, words: $0.words, configKeys: daemon.keysSeen) } ?? []
            for conflict in conflicts {
                switch conflict.key {
                case DaemonJSON.driverKey:
                    report.problems.append("storage-driver is set both in DOCKER_OPTS (\(storage.driver ?? "")) and in \(daemonPath) (\(daemon.storageMembersShown.joined(separator: ", "))): dockerd refuses to start; run dockstore backend DRIVER to settle it")
                case DaemonJSON.optionsKey:
                    report.problems.append("storage options are set both in DOCKER_OPTS and in \(daemonPath): dockerd refuses to start; run dockstore backend DRIVER to settle it")
                default:
                    report.problems.append(StorageSelection.conflictProblem(conflict, sysconfigPath: sysconfigPath, daemonJSONPath: daemonPath))
                }
            }
            if let driver = daemon.storageDriver {
                report.driver = driver
                report.driverSource = daemonPath
            }
            if !daemon.storageOptions.isEmpty {
                report.options = daemon.storageOptions
                report.optionsSource = daemonPath
            }
            if daemon.containerdSnapshotter {
                report.warnings.append("\(daemonPath) turns on features.containerd-snapshotter: images then live under /var/lib/containerd, outside Docker's storage")
            }
        }
        if observed.daemonJSON == nil && observed.daemonJSONPlace.given {
            report.problems.append("DOCKER_OPTS in \(sysconfigPath) names --config-file \(daemonPath), which does not exist: dockerd refuses to start; create it or remove that flag")
        }
        do {
            if let problem = try DockerdConfigPlace.otherDataRoot(sysconfig: observed.sysconfig, sysconfigPath: sysconfigPath,
                                                                  daemonJSON: observed.daemonJSON, configPath: daemonPath, mountpoint: mountpoint,
                                                                  sameFolder: { try host.sameFolder($0, mountpoint) }) {
                report.problems.append(problem)
            }
        } catch let error as DockStoreError {
            report.problems.append(error.message)
        } catch {}
        if let bytes = observed.sysconfig, let file = try? SysconfigFile(path: sysconfigPath, bytes: bytes), let variable = file.driverVariable {
            // dockerd 20.10 takes $DOCKER_DRIVER first (B01); the file's parse error is reported above.
            if let other = report.driver, other != variable {
                report.problems.append("\(file.driverVariableShown) makes dockerd 20.10 take the \(ShownBytes.text(Array(variable.utf8))) driver, not \(other) (from \(report.driverSource)): docker.service reads that file as its EnvironmentFile, and $DOCKER_DRIVER beats --storage-driver and daemon.json; remove it, or run dockstore backend \(other) to settle it")
            }
            report.driver = variable
            report.driverSource = "\(SysconfigFile.driverVariableName) in \(sysconfigPath) (docker.service's EnvironmentFile; it beats --storage-driver and daemon.json)"
        }
        if let name = report.driver {
            if let driver = StorageDriver(rawValue: name) {
                if let fs = observed.filesystem, let reason = driver.fits(fs) {
                    report.problems.append("\(host.realFollowing(mountpoint)) is on \(fs.name)\(observed.notMountedNote): \(reason)")
                }
                for option in report.options {
                    if let problem = StorageOption.problem(option, for: driver) {
                        report.problems.append("storage option \(problem)")
                    }
                }
                if let problem = StorageQuota.problem(options: report.options, filesystem: observed.filesystem,
                                                      projectQuota: observed.projectQuota, target: host.realFollowing(mountpoint)) {
                    report.problems.append(problem)
                }
            } else {
                report.problems.append("'\(name)' is not a storage driver dockerd knows")
            }
        }
        // One problem read through two readers (docker.service's and the sysconfig file's) is said once.
        var seen: Set<String> = []
        report.problems = report.problems.filter { seen.insert($0).inserted }
        return report
    }

    public func renderJSON() throws -> String { try JSONText.encode(self) }

    public func renderText() -> String {
        var lines: [String] = []
        func row(_ key: String, _ value: String) { lines.append(key.padding(12) + value) }
        row("driver:", driver.map { "\($0) (from \(driverSource))" } ?? driverSource)
        row("options:", options.isEmpty ? "none" : "\(options.joined(separator: " ")) (from \(optionsSource ?? "?"))")
        row("filesystem:", filesystem ?? "no folder at the mountpoint")
        for warning in warnings { lines.append("warning: \(warning)") }
        if problems.isEmpty {
            // As far as backend checks it (attack 29 J-logopt: a log driver's options are not checked).
            row("state:", "dockerd can start with this (its keys, value types and storage settings; not what dockerd checks inside a value)")
        } else {
            row("state:", "\(problems.count) problem(s):")
            for problem in problems { lines.append("  - \(problem)") }
        }
        return lines.joined(separator: "\n")
    }
}
