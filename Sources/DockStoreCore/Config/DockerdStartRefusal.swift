/// What makes dockerd 20.10 refuse to start with the configuration docker.service gives it
/// (DOCKER_OPTS, and the config file DOCKER_OPTS names, else /etc/docker/daemon.json), as
/// moby's `getConflictFreeConfiguration` and its flag parsing refuse it: a key it does not know
/// (`Data-Root`: keys are matched by case), a value of the wrong type, a directive given both as
/// a flag and in the file, "graph" with "data-root", a --config-file that does not exist, a
/// flag that lacks its argument. Check reads it (attack 15, C05): Docker would not start after
/// its next restart while the store looks healthy.
public enum DockerdStartRefusal {
    /// The reasons, empty when dockerd would start; what cannot be parsed at all throws.
    public static func reasons(sysconfig: [UInt8]?, sysconfigPath: String, daemonJSON: [UInt8]?, daemonPath: String,
                               configGiven: Bool) throws -> [String] {
        var reasons: [String] = []
        var flags: (line: DockerdCommandLine, words: [String])? = nil
        if let sysconfig {
            let file = try SysconfigFile(path: sysconfigPath, bytes: sysconfig)
            flags = (try file.dockerCommandLine, DockerOptions(file.value(SysconfigFile.dockerOptsName) ?? "").words)
        }
        guard let daemonJSON else {
            if configGiven {
                reasons.append("DOCKER_OPTS in \(sysconfigPath) names --config-file \(daemonPath), which does not exist: dockerd refuses to start; create it or remove that flag")
            }
            return reasons
        }
        let daemon = try DaemonJSON(path: daemonPath, bytes: daemonJSON)
        if let problem = daemon.unknownKeysProblem { reasons.append(problem) }
        if let problem = daemon.valueTypesProblem { reasons.append(problem) }
        if daemon.keysSeen.contains("graph"), daemon.keysSeen.contains("data-root") {
            reasons.append("\(daemonPath) sets both \"graph\" and \"data-root\": dockerd 20.10 refuses to start (\"cannot specify both\"); keep \"data-root\" only")
        }
        if let flags {
            for conflict in DockerdFlagConflicts.find(flags.line, words: flags.words, configKeys: daemon.keysSeen) {
                reasons.append(StorageSelection.conflictProblem(conflict, sysconfigPath: sysconfigPath, daemonJSONPath: daemonPath))
            }
        }
        return reasons
    }
}
