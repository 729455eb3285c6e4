/// What the running systemd knows of a service (`systemctl show`): enough to tell a start that
/// failed on a dependency in this boot from one still queued or a service an admin stopped.
public struct SystemdService: Sendable, Equatable {
    public var name: String
    /// `enabled`, `disabled`, `masked`, …
    public var unitFileState: String
    /// `active`, `activating`, `inactive`, `failed`, …
    public var activeState: String
    /// The job queued for it, "" when none (systemctl prints `Job=` only for one).
    public var job: String

    static let properties = ["UnitFileState", "ActiveState", "Job"]

    public static func parse(_ text: String, name: String) -> SystemdService {
        let values = SystemctlShow.values(text)
        return SystemdService(name: name, unitFileState: values["UnitFileState"] ?? "", activeState: values["ActiveState"] ?? "",
                              job: values["Job"] ?? "")
    }

    public static func read(_ name: String) throws -> SystemdService {
        parse(try SystemctlShow.read(name, properties: properties), name: name)
    }

    /// Enabled, not running, and no job queued for it: a start at boot that failed (or was
    /// never made), not one that provision's `Before=` still holds back.
    public var enabledButDown: Bool {
        ["enabled", "enabled-runtime"].contains(unitFileState) && ["inactive", "failed"].contains(activeState) && job.isEmpty
    }

    /// Queues its start without waiting: provision runs ordered before docker.service, so a
    /// blocking start from inside it would wait for provision itself.
    public static func startWithoutWaiting(_ name: String) throws {
        let result = try Subprocess.run("systemctl", ["start", "--no-block", "--", name], package: "systemd")
        guard result.status == 0 else { throw DockStoreError.failed("systemctl start --no-block \(name) failed: \(result.reason)") }
    }
}
