import FoundationEssentials

/// The result of `check`: the figures, the findings and the state, with its three
/// renderings (Nagios plugin line, JSON, Prometheus text format).
public struct CapacityReport: Sendable, Equatable, Codable {
    public var state: CheckState
    public var figures: CapacityFigures?
    public var reasons: [CapacityReason]
    /// Set for UNKNOWN: why the store could not be read.
    public var error: String?
    public var timestamp: Double

    public init(figures: CapacityFigures, policy: CapacityPolicy, timestamp: Double) {
        self.figures = figures
        reasons = CapacityEvaluator.evaluate(figures, policy)
        state = reasons.map(\.state).max() ?? .ok
        error = nil
        self.timestamp = timestamp
    }

    public init(unknown message: String, timestamp: Double) {
        state = .unknown
        figures = nil
        reasons = [CapacityReason(state: .unknown, figure: "store", message: message)]
        error = message
        self.timestamp = timestamp
    }

    // MARK: Nagios

    /// `DOCKSTORE OK - … | 'label'=valueB;warn;crit;min;max …`
    public func nagios(policy: CapacityPolicy) -> String {
        guard let f = figures else { return "DOCKSTORE UNKNOWN - \(error ?? "no figures")" }
        let text = reasons.isEmpty ? summary(f) : reasons.map(\.message).joinedText("; ")
        return "DOCKSTORE \(state.label) - \(text) | \(perfdata(f, policy))"
    }

    func summary(_ f: CapacityFigures) -> String {
        var parts = ["data \(ByteSize.format(f.dataFree)) free of \(ByteSize.format(f.dataCapacity)) (\(String(percent: percent(f.dataFree, f.dataCapacity))))"]
        if f.filesystem == "btrfs" {
            parts.append("metadata \(ByteSize.format(f.metadataFree)) free")
            parts.append("unallocated \(ByteSize.format(f.unallocated))")
        }
        if let host = f.host { parts.append("host \(ByteSize.format(host.hostAvailableBytes)) free") }
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
                              policy.metadataCritical.perfdata(base: f.metadataSize), max: f.metadataSize))
            items.append(item("metadata_used", f.metadataUsed, max: f.metadataSize))
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
        }
        return items.joinedText(" ")
    }

    // MARK: JSON

    public func json() throws -> String { try JSONText.encode(self) }

    // MARK: Prometheus

    /// The text exposition format, for node_exporter's textfile collector.
    public func prometheus() -> String {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(String, Double)], type: String = "gauge") {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += "\(name)\(labels) \(Self.number(value))\n" }
        }
        let mp = figures.map { "{mountpoint=\"\(Self.escape($0.mountpoint))\"}" } ?? ""
        if let f = figures {
            metric("dockstore_data_size_bytes", "Bytes in data chunks.", [(mp, Double(f.dataSize))])
            metric("dockstore_data_used_bytes", "Bytes used in data chunks.", [(mp, Double(f.dataUsed))])
            metric("dockstore_data_free_bytes", "Estimated free data bytes, as btrfs filesystem usage computes them.", [(mp, Double(f.dataFree))])
            metric("dockstore_effective_free_bytes", "What Docker can still write: data free, capped by the host for an image.", [(mp, Double(f.effectiveFree))])
            if f.filesystem == "btrfs" {
                metric("dockstore_metadata_size_bytes", "Bytes in metadata chunks.", [(mp, Double(f.metadataSize))])
                metric("dockstore_metadata_used_bytes", "Metadata bytes used, reserved or promised (global reserve included).", [(mp, Double(f.metadataUsed))])
                metric("dockstore_global_reserve_bytes", "The btrfs global block reserve.", [(mp, Double(f.globalReserve))])
                metric("dockstore_unallocated_bytes", "Raw device bytes not in any chunk.", [(mp, Double(f.unallocated))])
                metric("dockstore_device_size_bytes", "Raw bytes of the filesystem's devices.", [(mp, Double(f.deviceSize))])
                metric("dockstore_metadata_chunk_need_bytes", "Raw bytes one new metadata chunk takes.", [(mp, Double(f.metadataChunkNeed))])
                var errors: [(String, Double)] = []
                for device in f.devices {
                    for kind in DeviceErrorCounters.names {
                        let name = String(kind.dropLast(5))
                        errors.append(("{mountpoint=\"\(Self.escape(f.mountpoint))\",devid=\"\(device.devid)\",type=\"\(name)\"}",
                                       Double(device.errors[kind] ?? 0)))
                    }
                }
                metric("dockstore_device_errors_total", "btrfs device error counters.", errors, type: "counter")
            }
            if let host = f.host {
                metric("dockstore_image_apparent_bytes", "Apparent size of the loop image.", [(mp, Double(host.apparentBytes))])
                metric("dockstore_image_allocated_bytes", "Bytes the loop image occupies on the host.", [(mp, Double(host.allocatedBytes))])
                metric("dockstore_image_unbacked_bytes", "Apparent minus allocated: what the image promises beyond what the host gave it.", [(mp, Double(host.unbackedPromise))])
                metric("dockstore_host_free_bytes", "Free bytes on the host filesystem holding the image.", [(mp, Double(host.hostAvailableBytes))])
            }
        }
        metric("dockstore_status", "Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", [(mp, Double(state.rawValue))])
        metric("dockstore_check_success", "1 when the store could be read.", [(mp, figures == nil ? 0 : 1)])
        metric("dockstore_last_run_timestamp_seconds", "When the check ran, in seconds since the epoch.", [(mp, timestamp)])
        return out
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).map(String.init).joinedText(b)
    }
}
