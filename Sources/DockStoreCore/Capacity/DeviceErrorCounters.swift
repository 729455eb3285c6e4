/// The error counters btrfs keeps per device (/sys/fs/btrfs/<uuid>/devinfo/<devid>/error_stats,
/// the figures of `btrfs device stats`). A counter the kernel did not report is nil and left
/// out of the JSON output, so `{}` means "not readable", not "no errors".
///
/// Named fields rather than a dictionary: check reads these on every run, and a
/// `[String: UInt64]` costs the Swift runtime a protocol-conformance scan at start-up.
public struct DeviceErrorCounters: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral {
    public var write_errs: UInt64?
    public var read_errs: UInt64?
    public var flush_errs: UInt64?
    public var corruption_errs: UInt64?
    public var generation_errs: UInt64?

    /// The counter names in the kernel's order.
    public static let names = ["write_errs", "read_errs", "flush_errs", "corruption_errs", "generation_errs"]

    public init() {}

    public init(dictionaryLiteral elements: (String, UInt64)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// Parses the sysfs file's `name value` lines; unknown names are ignored.
    public init(sysfsText text: String) {
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let value = UInt64(line[line.index(after: space)...]) else { continue }
            self[String(line[..<space])] = value
        }
    }

    public subscript(name: String) -> UInt64? {
        get {
            switch name {
            case "write_errs": write_errs
            case "read_errs": read_errs
            case "flush_errs": flush_errs
            case "corruption_errs": corruption_errs
            case "generation_errs": generation_errs
            default: nil
            }
        }
        set {
            switch name {
            case "write_errs": write_errs = newValue
            case "read_errs": read_errs = newValue
            case "flush_errs": flush_errs = newValue
            case "corruption_errs": corruption_errs = newValue
            case "generation_errs": generation_errs = newValue
            default: break
            }
        }
    }
}
