import DockStoreCore

/// The options of `dockstore check`, filled either by swift-argument-parser (`Check`) or,
/// on the hot path cron takes every minute, by a plain scan of argv: parsing through
/// swift-argument-parser's reflection costs milliseconds per run, more than the check
/// itself. The fast scan accepts only the options it knows, in `--name value` and
/// `--name=value` forms; anything else (`--help`, a typo) falls back to the full parser,
/// which prints the usual help and errors.
struct CheckOptions {
    var root = "/"
    /// nil: DOCKSTORE_MOUNTPOINT from /etc/sysconfig/dockstore, else /var/lib/docker.
    var mountpoint: String?
    var format = "nagios"
    /// The answers `--format` names.
    static let formats = ["nagios", "json", "prometheus"]
    var textfile: String?
    var stateFile = DeviceErrorLedger.defaultPath.string
    var warning = "20%:"
    var critical = "10%:"
    var metadataWarning = "25%:"
    var metadataCritical = "10%:"
    var unallocatedWarning: String?
    var unallocatedCritical: String?
    var hostWarning: String?
    var hostCritical: String?
    /// nil: 24h (`ErrorHold.default`).
    var errorHold: String?

    init() {}

    init?(fastPath arguments: [String]) {
        guard arguments.count > 1, arguments[1] == "check" else { return nil }
        var index = 2
        while index < arguments.count {
            var name = arguments[index]
            var value: String
            if let equals = name.firstIndex(of: "="), name.hasPrefix("--") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
                index += 1
            } else {
                guard index + 1 < arguments.count else { return nil }
                value = arguments[index + 1]
                index += 2
            }
            switch name {
            case "--root": root = value
            case "--mountpoint": mountpoint = value
            case "--format":
                guard Self.formats.contains(value) else { return nil }
                format = value
            case "--textfile": textfile = value
            case "--state-file": stateFile = value
            case "-w", "--warning": warning = value
            case "-c", "--critical": critical = value
            case "--metadata-warning": metadataWarning = value
            case "--metadata-critical": metadataCritical = value
            case "--unallocated-warning": unallocatedWarning = value
            case "--unallocated-critical": unallocatedCritical = value
            case "--host-warning": hostWarning = value
            case "--host-critical": hostCritical = value
            case "--error-hold": errorHold = value
            default: return nil
            }
        }
    }
}
