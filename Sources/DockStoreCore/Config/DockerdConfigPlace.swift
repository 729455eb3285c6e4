/// The config file and data root of the dockerd that docker.service starts with DOCKER_OPTS,
/// read by `DockerdArguments` (the reading `reclaim --orphans` uses for a running dockerd):
/// the config file is the one DOCKER_OPTS' `--config-file` names, inside `--root`, else
/// /etc/docker/daemon.json. backend, provision and status read and edit that file, and judge
/// the store against that data root.
public struct DockerdConfigPlace: Sendable, Equatable {
    /// The config file dockerd reads.
    public var path: HostPath
    /// True when DOCKER_OPTS names it: dockerd then refuses to start without it.
    public var given: Bool

    public static let standard = DockerdConfigPlace(path: HostPaths.daemonJSON, given: false)

    /// The words of DOCKER_OPTS in `sysconfig`; none when the file is missing or sets none.
    /// A file that does not parse throws (every reader of it reports that).
    static func words(sysconfig: [UInt8]?, sysconfigPath: String) throws -> [String] {
        guard let sysconfig else { return [] }
        let file = try SysconfigFile(path: sysconfigPath, bytes: sysconfig)
        return DockerOptions(file.value(SysconfigFile.dockerOptsName) ?? "").words
    }

    /// Where DOCKER_OPTS (in `sysconfig`) makes dockerd read its config file; a relative or
    /// unusable path is refused.
    public static func of(sysconfig: [UInt8]?, sysconfigPath: String) throws -> DockerdConfigPlace {
        let arguments = try words(sysconfig: sysconfig, sysconfigPath: sysconfigPath)
        let found: (path: String, given: Bool)
        do {
            found = try DockerdArguments.configFile(arguments)
        } catch {
            throw DockStoreError.refused("DOCKER_OPTS in \(sysconfigPath): \(error.message); give --config-file an absolute path")
        }
        guard found.given else { return .standard }
        do {
            return DockerdConfigPlace(path: try HostPath(found.path, what: "--config-file in DOCKER_OPTS of \(sysconfigPath)"), given: true)
        } catch let error as DockStoreError where error.kind == .usage {
            // A file's line, not the command line (attack 47 Q 14): exit 2, as every other problem of that file.
            throw DockStoreError.refused("\(error.message), in that file; nothing was changed")
        }
    }

    /// As `of`, for readers that show or judge what they can: a sysconfig file that does not
    /// parse gives the standard place, and its parse error is reported by every reader of that
    /// file (backend's report, the storage planner), so nothing is decided on this guess.
    public static func orStandard(sysconfig: [UInt8]?, sysconfigPath: String) throws -> DockerdConfigPlace {
        do {
            _ = try words(sysconfig: sysconfig, sysconfigPath: sysconfigPath)
        } catch {
            return .standard
        }
        return try of(sysconfig: sysconfig, sysconfigPath: sysconfigPath)
    }

    /// The data root DOCKER_OPTS or the config file (`daemonJSON`, at `configPath` as shown)
    /// sets, and what sets it; nil when neither does (dockerd uses /var/lib/docker).
    public static func dataRoot(sysconfig: [UInt8]?, sysconfigPath: String, daemonJSON: [UInt8]?,
                                configPath: String) throws -> (path: String, setBy: String)? {
        let arguments = try words(sysconfig: sysconfig, sysconfigPath: sysconfigPath)
        if let flag = DockerdArguments.dataRootFlag(arguments) {
            return (flag, "a data root flag (--data-root, -g or --graph) in DOCKER_OPTS of \(sysconfigPath)")
        }
        guard let daemonJSON, case .object(let top)? = try? GoJSON.parse(daemonJSON) else {
            // A file that does not parse is refused by DaemonJSON wherever it is read.
            return nil
        }
        do {
            return try DockerdArguments.dataRoot(inConfig: top.effective, config: configPath).map { ($0.path, "\"\($0.key)\" in \(configPath)") }
        } catch {
            throw DockStoreError.refused("\(error.message): fix it in \(configPath) and run again")
        }
    }

    /// Why dockerd would not use the store at `mountpoint`: the data root DOCKER_OPTS or the
    /// config file sets, or else dockerd's default /var/lib/docker, is another folder. Paths
    /// are compared as dockerd takes them: cleaned as Go's `filepath.Clean` does (`.`, `..`,
    /// doubled and trailing slashes), never as plain strings; then `sameFolder` says whether it
    /// leads through links to the mountpoint's folder (dockerd resolves a data root's links).
    /// nil when the data root is the mountpoint.
    public static func otherDataRoot(sysconfig: [UInt8]?, sysconfigPath: String, daemonJSON: [UInt8]?, configPath: String,
                                     mountpoint: HostPath, sameFolder: (String) throws -> Bool = { _ in false }) throws -> String? {
        guard let (path, setBy) = try dataRoot(sysconfig: sysconfig, sysconfigPath: sysconfigPath, daemonJSON: daemonJSON,
                                                 configPath: configPath) else {
            guard mountpoint != HostPaths.defaultMountpoint else { return nil }
            return "dockerd's data root is its default \(DockerdArguments.defaultDataRoot) (neither DOCKER_OPTS in \(sysconfigPath) nor \(configPath) sets one), not the store's mountpoint \(mountpoint): Docker would not use this store; run dockstore provision --mountpoint \(mountpoint) (it adds --data-root=\(mountpoint) to DOCKER_OPTS), or add --data-root=\(mountpoint) to DOCKER_OPTS yourself"
        }
        let what = "dockerd's data root '\(ShownBytes.text(Array(path.utf8)))' (set by \(setBy))"
        guard path.hasPrefix("/") else {
            return "\(what) is relative to the folder dockerd starts in; give it as the absolute path \(mountpoint), or remove it"
        }
        if cleaned(path).sameBytes(cleaned(mountpoint.string)) { return nil }
        // dockerd follows a data root's links (attack 15, C04).
        if try sameFolder(path) { return nil }
        return "\(what) is not the store's mountpoint \(mountpoint): Docker would not use this store; set it to \(mountpoint) or remove it (dockerd then uses /var/lib/docker), or provision the store at that folder (--mountpoint)"
    }

    /// `path` as Go's `filepath.Clean` gives it (how dockerd takes a data root it cannot yet
    /// resolve): one slash between components, `.` dropped, `..` taking away the component
    /// before it (none above `/`), no trailing slash.
    static func cleaned(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
