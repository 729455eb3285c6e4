import FoundationEssentials

/// The result of `check`: the figures, the findings and the state, with its three
/// renderings (Nagios plugin line, JSON, Prometheus text format).
public struct CapacityReport: Sendable, Equatable, Codable {
    public var state: CheckState
    public var figures: CapacityFigures?
    public var reasons: [CapacityReason]
    /// Set for UNKNOWN: why the store could not be read.
    public var error: String?
    /// The mountpoint asked about; present in every state, so every output carries it.
    public var mountpoint: String
    public var timestamp: Double

    public init(figures: CapacityFigures, policy: CapacityPolicy, timestamp: Double) {
        self.figures = figures
        mountpoint = figures.mountpoint
        reasons = CapacityEvaluator.evaluate(figures, policy, now: timestamp)
        state = reasons.map(\.state).max() ?? .ok
        error = nil
        self.timestamp = timestamp
    }

    /// The store could not be read at all: UNKNOWN with what and why.
    public init(unknown message: String, mountpoint: String, timestamp: Double) {
        self.init(without: CapacityReason(state: .unknown, figure: "store", message: message), mountpoint: mountpoint, timestamp: timestamp)
    }

    /// No store to read figures from, and one finding about that (`DockerOnBareFolder`).
    public init(without reason: CapacityReason, mountpoint: String, timestamp: Double) {
        state = reason.state
        figures = nil
        self.mountpoint = mountpoint
        reasons = [reason]
        error = reason.message
        self.timestamp = timestamp
    }

    /// Adds a finding made after the store was judged (the textfile could not be written):
    /// the state becomes the more severe of the two, in `max_state_alt` order.
    public mutating func add(_ reason: CapacityReason) {
        reasons.append(reason)
        state = max(state, reason.state)
        if figures == nil { error = reasons.map(\.message).joinedText("; ") }
    }

    // MARK: Nagios

    /// `DOCKSTORE OK - … | 'label'=valueB;warn;crit;min;max …`
    /// Without a policy (the thresholds were bad) there is no perfdata.
    public func nagios(policy: CapacityPolicy?) -> String {
        guard let f = figures else { return "DOCKSTORE \(state.label) - \(Self.pluginText(reasons.map(\.message).joinedText("; ")))" }
        // An OK finding (room a running reclaim lent) is said beside the figures, not instead.
        let text = Self.pluginText(state == .ok ? ([summary(f)] + reasons.map(\.message)).joinedText("; ") : reasons.map(\.message).joinedText("; "))
        guard let policy else { return "DOCKSTORE \(state.label) - \(text)" }
        return "DOCKSTORE \(state.label) - \(text) | \(perfdata(f, policy))"
    }

    /// The plugin text with `|` shown as `\x7C` (as the display escape shows other bytes): Nagios
    /// splits a plugin's line at the first `|` and reads the rest as perfdata, so a mountpoint
    /// holding one would cut the text and forge figures.
    static func pluginText(_ text: String) -> String {
        guard text.contains("|") else { return text }
        var out = ""
        for character in text { out += character == "|" ? "\\x7C" : String(character) }
        return out
    }

    func summary(_ f: CapacityFigures) -> String {
        var parts = ["data \(ByteSize.format(f.dataFree)) free of \(ByteSize.format(f.dataCapacity)) (\(String(percent: percent(f.dataFree, f.dataCapacity))))"]
        if f.filesystem == "btrfs" {
            parts.append("metadata \(ByteSize.format(f.metadataFree)) free")
            parts.append("unallocated \(ByteSize.format(f.unallocated))")
        }
        if let host = f.host { parts.append("host \(ByteSize.format(host.hostAvailableBytes)) free") }
        if let room = f.quota?.tightest { parts.append("qgroup \(room.group.qgroup) \(ByteSize.format(room.free)) left of \(ByteSize.format(room.limit))") }
        if let inodes = f.inodes { parts.append("inodes \(inodes.free) free of \(inodes.total) (\(String(percent: percent(inodes.free, inodes.total))))") }
        return parts.joinedText(", ")
    }

    func percent(_ part: UInt64, _ whole: UInt64) -> Double { whole == 0 ? 0 : Double(part) * 100 / Double(whole) }

    func perfdata(_ f: CapacityFigures, _ policy: CapacityPolicy) -> String {
        func item(_ label: String, _ value: UInt64, _ w: String = "", _ c: String = "", max: UInt64?) -> String {
            "'\(label)'=\(value)B;\(w);\(c);0;\(max.map(String.init) ?? "")"
        }
        var items = [
            item("data_free", f.dataFree, policy.dataWarning.perfdata(base: f.dataCapacity),
                 policy.dataCritical.perfdata(base: f.dataCapacity), max: f.dataCapacity),
            item("data_used", f.dataUsed, max: f.dataCapacity),
        ]
        if f.filesystem == "btrfs" {
            let (uw, uc) = policy.unallocatedRanges(f)
            items.append(item("metadata_free", f.metadataFree, policy.metadataWarning.perfdata(base: f.metadataSize),
                              policy.metadataCritical.perfdata(base: f.metadataSize), max: f.metadataRoom))
            items.append(item("metadata_used", f.metadataUsed, max: f.metadataRoom))
            items.append(item("unallocated", f.unallocated, uw.perfdata(base: f.deviceSize), uc.perfdata(base: f.deviceSize),
                              max: f.deviceSize))
        }
        if let host = f.host {
            let w = policy.hostWarning ?? policy.dataWarning
            let c = policy.hostCritical ?? policy.dataCritical
            items.append(item("host_free", host.hostAvailableBytes, w.perfdata(base: f.dataCapacity),
                              c.perfdata(base: f.dataCapacity), max: nil))
            items.append(item("image_allocated", host.allocatedBytes, max: host.apparentBytes))
            items.append(item("image_unbacked", host.unbackedPromise, max: host.apparentBytes))
            items.append(item("effective_free", f.effectiveFree, max: f.dataCapacity))
        } else if f.effectiveFree != f.dataFree {
            // A device smaller than the filesystem, or a qgroup limit, caps it.
            items.append(item("effective_free", f.effectiveFree, max: f.dataCapacity))
        }
        if let room = f.quota?.tightest {
            items.append(item("qgroup_free", room.free, policy.dataWarning.perfdata(base: room.limit),
                              policy.dataCritical.perfdata(base: room.limit), max: room.limit))
        }
        if let inodes = f.inodes {
            let (w, c) = LimitRules.inodeLevels(inodes.total)
            items.append("'inodes_free'=\(inodes.free);\(w):;\(c):;0;\(inodes.total)")
        }
        for device in f.devices {
            for name in DeviceErrorCounters.names {
                if let count = device.errors[name] { items.append("'devid\(device.devid)_\(name)'=\(count)c;;;0;") }
            }
        }
        return items.joinedText(" ")
    }

    // MARK: JSON

    public func json() throws -> String { try JSONText.encode(self) }

    private enum CodingKeys: String, CodingKey { case state, figures, reasons, error, mountpoint, timestamp }

    /// As the synthesized encoding, with the figures' derived values beside the read ones
    /// (`FiguresWithDerived`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(figures.map(FiguresWithDerived.init), forKey: .figures)
        try container.encode(reasons, forKey: .reasons)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(mountpoint, forKey: .mountpoint)
        try container.encode(timestamp, forKey: .timestamp)
    }
}
