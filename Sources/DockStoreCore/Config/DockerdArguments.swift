/// Where a dockerd reads its config file and keeps its data, told by its arguments and that
/// file as moby v20.10 does (cmd/dockerd, daemon/config): the config file is `--config-file`,
/// else /etc/docker/daemon.json; the data root is `--data-root` (or the old `-g` / `--graph`),
/// else `"data-root"` (or the old `"graph"`) of the config file, else /var/lib/docker.
///
/// The one reading behind `reclaim --orphans` (a running dockerd's command line) and behind
/// backend, provision and status (the words of DOCKER_OPTS). `arguments` never holds the
/// program name.
public enum DockerdArguments {
    public static let defaultDataRoot = "/var/lib/docker"
    public static let defaultConfigFile = "/etc/docker/daemon.json"

    /// The config file dockerd reads, and whether the arguments name it (dockerd starts
    /// without its default file, never without one it was given).
    static func configFile(_ arguments: [String]) throws(DockStoreError) -> (path: String, given: Bool) {
        guard let given = flagValue(arguments, "--config-file") else { return (defaultConfigFile, false) }
        return (try absolute(given, "its --config-file"), true)
    }

    /// The value of `--data-root` (or the old `-g` / `--graph`), the last one winning as in dockerd.
    static func dataRootFlag(_ arguments: [String]) -> String? {
        if let line = try? DockerdCommandLine(parsing: arguments) {
            return line.settings.last { $0.flag.name == "data-root" || $0.flag.name == "graph" }?.value
        }
        // Words dockerd 20.10 would not start on (a running dockerd of another version):
        // read word by word as before.
        var found: String? = nil
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            for flag in ["--data-root", "--graph", "-g"] {
                if word == flag, index + 1 < arguments.count { found = arguments[index + 1]; index += 1 }
                else if word.hasPrefix(flag + "=") { found = String(word.dropFirst(flag.count + 1)) }
            }
            index += 1
        }
        return found
    }

    /// `"data-root"` (or the old `"graph"`) of the config file's top-level object, and the key
    /// that set it; nil when neither is there.
    static func dataRoot(inConfig top: [String: GoJSON.Value], config: String) throws(DockStoreError) -> (path: String, key: String)? {
        for key in ["data-root", "graph"] {
            switch top[key] {
            case nil: continue
            case .string(let value)?: return (try absolute(value, "\"\(key)\" in \(config)"), key)
            case _?: throw DockStoreError.failed("\"\(key)\" in its config file \(config) is not a string")
            }
        }
        return nil
    }

    /// A relative path is resolved against the working folder dockerd had when it read it,
    /// which dockstore cannot know: refused.
    static func absolute(_ path: String, _ what: String) throws(DockStoreError) -> String {
        guard path.hasPrefix("/") else {
            throw DockStoreError.failed("\(what) '\(path)' is relative to the folder dockerd started in, which dockstore cannot read")
        }
        return path
    }

    /// The value of `flag` (`--flag value` or `--flag=value`), the last one winning; split as
    /// dockerd 20.10 splits its words (`DockerdCommandLine`) when they are ones it starts on.
    static func flagValue(_ arguments: [String], _ flag: String) -> String? {
        if let line = try? DockerdCommandLine(parsing: arguments) {
            return line.last(String(flag.dropFirst(2)))
        }
        var found: String? = nil
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == flag, index + 1 < arguments.count { found = arguments[index + 1]; index += 1 }
            else if word.hasPrefix(flag + "=") { found = String(word.dropFirst(flag.count + 1)) }
            index += 1
        }
        return found
    }
}
