/// What `check` recorded of the btrfs devices it judged, by `<filesystem uuid>/<devid>`: the
/// error counters it saw last and, for a device whose counters rose, when a run first saw them
/// rise (seconds since the epoch). The time is what keeps a rise CRITICAL for every consumer
/// of the record alike for `--error-hold` (outside attack 12, B13: the per-minute textfile run
/// recorded a rise and Nagios's own run, a minute later, read "none new", WARNING, so a HARD
/// CRITICAL never came).
public struct DeviceErrorRecord: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral {
    public var counters: [String: DeviceErrorCounters]
    public var rose: [String: Double]

    public init() {
        counters = [:]
        rose = [:]
    }

    public init(counters: [String: DeviceErrorCounters], rose: [String: Double]) {
        self.counters = counters
        self.rose = rose
    }

    public init(dictionaryLiteral elements: (String, DeviceErrorCounters)...) {
        counters = [:]
        rose = [:]
        for (key, value) in elements { counters[key] = value }
    }

    public subscript(key: String) -> DeviceErrorCounters? {
        get { counters[key] }
        set { counters[key] = newValue }
    }

    /// The recorded devices' keys.
    public var keys: [String] { counters.keys.sorted() }
}

extension DeviceErrorCounters {
    /// The counters that rose since `before`: above their recorded value, or — a counter below
    /// its record was reset since (`btrfs device stats -z`) — above zero.
    public func rose(since before: DeviceErrorCounters) -> [String] {
        Self.names.filter { name in
            let now = self[name] ?? 0, was = before[name] ?? 0
            return now > (was > now ? 0 : was)
        }
    }
}
