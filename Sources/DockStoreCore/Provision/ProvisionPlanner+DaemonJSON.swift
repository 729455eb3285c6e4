extension ProvisionPlanner {
    /// A `storage-driver` in daemon.json other than the one the store takes is the admin's
    /// choice: provision refuses it before anything changes instead of removing it (which
    /// teardown could not give back). `dockstore backend DRIVER` is the command that settles
    /// where the driver is set; provision only leaves alone a daemon.json that already names
    /// the store's driver.
    static func refuseOtherDriver(_ observed: ProvisionObservation, _ host: Host, driver: String) throws {
        // $DOCKER_DRIVER in docker.service's EnvironmentFile beats every other setting (B01).
        if let bytes = observed.sysconfig, let file = try? SysconfigFile(path: host.real(HostPaths.sysconfigDocker), bytes: bytes),
           let other = file.driverVariable, other != driver {
            throw DockStoreError.refused("\(file.driverVariableShown) makes dockerd 20.10 take the \(ShownBytes.text(Array(other.utf8))) driver over --storage-driver (docker.service reads that file as its EnvironmentFile), but the store takes the \(driver) driver: run dockstore backend \(driver) to settle it (it removes that line), then re-run provision; nothing was changed")
        }
        guard let bytes = observed.daemonJSON else { return }
        let path = host.real(observed.daemonJSONPlace.path)
        let daemon = try DaemonJSON(path: path, bytes: bytes)
        guard let other = daemon.driversSet.first(where: { $0 != driver }) else { return }
        throw DockStoreError.refused("\(path) sets \"\(DaemonJSON.driverKey)\": \(DaemonJSON.quoted(other)), but the store takes the \(driver) driver; provision does not override a driver set there: run dockstore backend \(driver) to settle it (it moves the driver setting into DOCKER_OPTS), then re-run provision; nothing was changed")
    }

    /// A data root set in DOCKER_OPTS or in dockerd's config file that is not the mountpoint:
    /// Docker would keep its data elsewhere and never use the store, so provision refuses
    /// before anything changes (and status reports it). Where nothing sets a data root and the
    /// mountpoint is not dockerd's default /var/lib/docker, returns the mountpoint: provision
    /// adds it to DOCKER_OPTS as `--data-root=` (one place dockerd reads that cannot conflict
    /// with the config file, which sets none), and teardown takes that word away again.
    static func dataRootToAdd(_ observed: ProvisionObservation, _ host: Host, mountpoint: HostPath) throws -> String? {
        let sysconfigPath = host.real(HostPaths.sysconfigDocker), configPath = host.real(observed.daemonJSONPlace.path)
        // Outside attack 15, Y7: dockerd 20.10 builds a path of its data root as a Go format
        // string, so a `%` in it garbles the folder its image store goes to, on the root disk,
        // however the data root is given.
        if mountpoint.string.contains("%") {
            throw DockStoreError.refused("the mountpoint \(mountpoint) holds a %, which dockerd 20.10 cannot take as its data root (it reads the path as a format string and writes its image store into a garbled folder beside it, on the root filesystem): choose a mountpoint without %; nothing was changed")
        }
        if try DockerdConfigPlace.dataRoot(sysconfig: observed.sysconfig, sysconfigPath: sysconfigPath, daemonJSON: observed.daemonJSON,
                                           configPath: configPath) == nil {
            guard mountpoint != HostPaths.defaultMountpoint else { return nil }
            // docker.service expands $DOCKER_OPTS unquoted and bash sources the file: blanks split
            // the word, `$`, quotes, backslashes and glob characters change it, so only a path of
            // letters (any script), digits and `/._-+@:,=` can be given there.
            let plain = mountpoint.string.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+@:,=".unicodeScalars.contains($0)
                    || ($0.value > 0x7F && ($0.properties.isAlphabetic || $0.properties.numericType == .decimal))
            }
            guard plain else {
                throw DockStoreError.refused("the mountpoint \(mountpoint) is not dockerd's default data root \(DockerdArguments.defaultDataRoot), and nothing sets one; provision would add --data-root=\(mountpoint) to DOCKER_OPTS in \(sysconfigPath), but docker.service splits and expands $DOCKER_OPTS unquoted, which would change that path: set \"data-root\" in \(configPath) to it yourself, or choose a mountpoint of plain characters; nothing was changed")
            }
            return mountpoint.string
        }
        guard let problem = try DockerdConfigPlace.otherDataRoot(
            sysconfig: observed.sysconfig, sysconfigPath: sysconfigPath, daemonJSON: observed.daemonJSON,
            configPath: configPath, mountpoint: mountpoint, sameFolder: { try host.sameFolder($0, mountpoint) }) else { return nil }
        throw DockStoreError.refused("\(problem); nothing was changed")
    }
}
