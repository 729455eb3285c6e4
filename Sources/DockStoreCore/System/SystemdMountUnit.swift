/// What the running systemd knows of the mount unit for a mountpoint (`systemctl show`).
/// provision hands the mount to systemd when systemd has loaded the store's fstab line, so
/// the two never mount the store at once: systemd merges a second start into the job it is
/// already running.
public struct SystemdMountUnit: Sendable, Equatable, Codable {
    public var name: String
    /// `loaded`, `not-found`, …
    public var loadState: String
    /// `active`, `activating`, `inactive`, `failed`, …
    public var activeState: String
    public var subState: String
    /// The file the unit was generated from (`/etc/fstab` for an fstab line), or "".
    public var sourcePath: String
    /// systemd's copy is older than the file it came from: it needs `systemctl daemon-reload`.
    public var needsDaemonReload: Bool
    /// What the unit mounts (`What=`): a file's path for an image line, `/dev/disk/by-uuid/…`
    /// for a `UUID=` line, or "" when systemd does not say.
    public var what: String = ""

    public static let properties = ["Id", "LoadState", "ActiveState", "SubState", "SourcePath", "NeedDaemonReload", "What"]

    /// Parses `systemctl show -p …` output (KEY=VALUE lines).
    public static func parse(_ text: String, name: String) -> SystemdMountUnit {
        let values = SystemctlShow.values(text)
        return SystemdMountUnit(name: name, loadState: values["LoadState"] ?? "", activeState: values["ActiveState"] ?? "",
                                subState: values["SubState"] ?? "", sourcePath: values["SourcePath"] ?? "",
                                needsDaemonReload: values["NeedDaemonReload"] == "yes", what: values["What"] ?? "")
    }

    /// systemd has this mountpoint's line from `fstabPath` loaded as it is on disk.
    public func mountsFromFstab(_ fstabPath: String) -> Bool {
        loadState == "loaded" && sourcePath == fstabPath && !needsDaemonReload
    }

    /// The unit mounts `source`, what provision's plan mounts: `What=` is the same path, the
    /// same file or block device (`whatStatus` and `sourceStatus`, by identity), or
    /// `/dev/disk/by-uuid/UUID` for the filesystem UUID `source` holds. False for a unit from a
    /// line that names something else — a line the plan is about to rewrite (migrate-ebs moved
    /// the store onto a volume and fstab still names the image, whose superblock the move
    /// scratched): starting it would mount the old thing, or fail at every boot (attack 18,
    /// B-F1). A unit that does not say what it mounts counts as the store's line.
    public func mounts(_ source: String, uuid: String?, whatStatus: FileStatus?, sourceStatus: FileStatus?) -> Bool {
        if what.isEmpty || what.sameBytes(source) { return true }
        if let uuid, what.sameBytes("/dev/disk/by-uuid/" + uuid) { return true }
        guard let whatStatus, let sourceStatus, whatStatus.kind == sourceStatus.kind else { return false }
        switch whatStatus.kind {
        case .regular: return whatStatus.device == sourceStatus.device && whatStatus.inode == sourceStatus.inode
        case .blockDevice: return whatStatus.rdev == sourceStatus.rdev
        default: return false
        }
    }

    /// A start or stop job of the unit is running now.
    public var isChanging: Bool { activeState == "activating" || activeState == "deactivating" || activeState == "reloading" }

    /// One line for `status`.
    public var summary: String {
        guard loadState == "loaded" else {
            return "\(name): \(loadState.isEmpty ? "unknown to systemd" : loadState) (systemd has no unit for the fstab line; systemctl daemon-reload reads it)"
        }
        let source = sourcePath.isEmpty ? "" : " from \(sourcePath)"
        let reload = needsDaemonReload ? "; changed on disk since systemd read it: run systemctl daemon-reload" : ""
        return "\(name)\(source): \(activeState) (\(subState))\(reload)"
    }

    /// Reads the unit for `mountpoint` from the running systemd.
    public static func read(mountpoint: String) throws -> SystemdMountUnit {
        let name = SystemdUnitName.mount(mountpoint)
        return parse(try SystemctlShow.read(name, properties: properties), name: name)
    }

    /// Starts the unit and waits for its job (merged with one already running).
    public func start() throws -> Subprocess.Result {
        try Subprocess.run("systemctl", ["start", "--", name], package: "systemd")
    }
}
