/// Making dockerd start with one storage driver and its options: the shared code behind
/// `backend` and `provision`. Storage settings go into DOCKER_OPTS; a `storage-driver` or
/// `storage-opts` in daemon.json, which would make dockerd refuse to start (a directive set
/// both as a flag and in the file, even to equal values; another driver or its options), is
/// removed there — except, when `options` is nil, where daemon.json already selects exactly
/// what is wanted (DOCKER_OPTS then loses its storage flags instead), or sets only options,
/// all of the driver's: they stay there beside `--storage-driver`, or, when DOCKER_OPTS sets
/// options too, move into DOCKER_OPTS; never dropped.
public struct StorageSelection: Sendable, Equatable {
    public struct Edit: Sendable, Equatable {
        /// The whole new file, byte for byte.
        public var bytes: [UInt8]
        /// One line saying what changes.
        public var change: String
    }

    public var daemonJSON: Edit?
    public var sysconfig: Edit?
    public var warnings: [String]

    /// - Parameter options: the storage options to set; nil keeps those DOCKER_OPTS already
    ///   has for `driver` and drops the others (what provision wants).
    /// - Parameter addDataRoot: a data root to add to DOCKER_OPTS as `--data-root=PATH` (provision's
    ///   mountpoint where neither DOCKER_OPTS nor the config file sets one: a flag, since a
    ///   `"data-root"` in the config file would be the admin's file changed).
    public static func plan(driver: String, options: [String]?, sysconfigBytes: [UInt8]?, sysconfigPath: String,
                            daemonJSONBytes: [UInt8]?, daemonJSONPath: String, addDataRoot: String? = nil) throws -> StorageSelection {
        var result = StorageSelection(daemonJSON: nil, sysconfig: nil, warnings: [])
        let daemon = try daemonJSONBytes.map { try DaemonJSON(path: daemonJSONPath, bytes: $0) }
        if daemon?.containerdSnapshotter == true {
            result.warnings.append("\(daemonJSONPath) turns on features.containerd-snapshotter: images then live under /var/lib/containerd, outside Docker's storage")
        }
        var file = try SysconfigFile(path: sysconfigPath, bytes: sysconfigBytes ?? SysconfigFile.createdByDockstore)
        let wantedOptions = try options ?? file.dockerStorage.options.filter { StorageDriver.option($0, isOf: driver) }

        var flagDriver: String? = driver
        var flagOptions = wantedOptions
        if let problem = daemon?.unknownKeysProblem ?? daemon?.valueTypesProblem {
            throw DockStoreError.refused("\(problem) and run again; nothing was changed")
        }
        if let daemon {
            // A flag other than the storage ones also set in daemon.json: dockerd refuses to
            // start, and which of the two the admin wants is theirs to say.
            let words = DockerOptions(file.value(SysconfigFile.dockerOptsName) ?? "").words
            let others = DockerdFlagConflicts.find(try file.dockerCommandLine, words: words, configKeys: daemon.keysSeen)
                .filter { !DaemonJSON.storageKeys.contains($0.key) }
            if let first = others.first {
                throw DockStoreError.refused("\(conflictProblem(first, sysconfigPath: sysconfigPath, daemonJSONPath: daemonJSONPath))\(others.count > 1 ? " (and \(others.dropFirst().map(\.key).joined(separator: ", ")))" : ""); nothing was changed")
            }
        }
        if let daemon, daemon.setsStorage {
            let optionsFit = daemon.storageOptions.allSatisfy { StorageDriver.option($0, isOf: driver) }
            let alreadyThere = options == nil && daemon.storageDriver == driver && optionsFit
            // Only "storage-opts", every one the driver's: dockerd's conflict check is per
            // directive, so --storage-driver beside it starts (outside attack 14, Y-JSON-1).
            let onlyFittingOptions = options == nil && daemon.storageKeysSeen == [DaemonJSON.optionsKey]
                && daemon.storageMembersShown.count == 1 && !daemon.storageOptions.isEmpty && optionsFit
            if alreadyThere {
                flagDriver = nil
                flagOptions = []
            } else if onlyFittingOptions {
                // They stay in the file, unless DOCKER_OPTS sets options too, which dockerd refuses:
                // then the file's move into DOCKER_OPTS.
                if !wantedOptions.isEmpty {
                    flagOptions = wantedOptions + daemon.storageOptions.filter { !wantedOptions.contains($0) }
                    result.daemonJSON = Edit(bytes: try daemon.removingStorageKeys(), change: "move \(daemon.storageMembersShown.joined(separator: " and ")) into DOCKER_OPTS, which sets storage options too (dockerd refuses storage options given in both); the other keys stay")
                }
            } else {
                let removed = daemon.storageMembersShown.joined(separator: " and ")
                var why: [String] = []
                if let other = daemon.storageDriver, other != driver { why.append("it selects \(other), not \(driver)") }
                let foreign = daemon.storageOptions.filter { !StorageDriver.option($0, isOf: driver) }
                if !foreign.isEmpty { why.append("\(foreign.joined(separator: ", ")) \(foreign.count == 1 ? "is no option" : "are no options") of \(driver), which dockerd refuses") }
                if why.isEmpty, daemon.storageDriver == nil, daemon.storageOptions.isEmpty {
                    // `"storage-opts": null` or `[]` sets nothing, so nothing conflicts (attack 25 K4).
                    why.append("it sets nothing, and backend keeps the storage settings in DOCKER_OPTS alone")
                }
                if why.isEmpty { why.append("dockerd refuses a storage setting given both there and in DOCKER_OPTS") }
                result.daemonJSON = Edit(bytes: try daemon.removingStorageKeys(), change: "remove \(removed) (\(why.joined(separator: "; "))); the other keys stay")
            }
        }
        // $DOCKER_DRIVER naming another driver beats every flag and key: it goes.
        let variable = file.driverVariable.map { $0 == driver } == false ? try file.removeDriverVariable() : nil
        let change = try file.setDockerStorage(driver: flagDriver, options: flagOptions, dataRoot: addDataRoot.map { .add($0) } ?? .keep)
        if let change {
            let what = sysconfigBytes == nil ? "create it as SUSE ships it, with \(change)" : "set \(change)"
            result.sysconfig = Edit(bytes: file.bytes, change: what + (variable.map { "; \($0)" } ?? ""))
        } else if let variable {
            result.sysconfig = Edit(bytes: file.bytes, change: variable)
        }
        return result
    }

    /// One directive set both as a DOCKER_OPTS flag and in daemon.json, and what to do.
    static func conflictProblem(_ conflict: DockerdFlagConflicts.Conflict, sysconfigPath: String, daemonJSONPath: String) -> String {
        let flags = conflict.flags.map { "'\(ShownBytes.text(Array($0.utf8)))'" }.joined(separator: ", ")
        return "\(conflict.key) is set both in DOCKER_OPTS (\(flags)) and in \(daemonJSONPath) (\"\(ShownBytes.text(Array(conflict.key.utf8)))\"): dockerd 20.10 refuses to start on that, even for equal values; remove it from one of the two files"
    }
}
