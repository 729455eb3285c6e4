/// Where `check` keeps the device error counters it saw last, to tell a rise from errors
/// that were already there: one line per device, `<fs uuid>/<devid> write_errs=0 …`.
/// Read whenever a counter is non-zero, written (atomically) only when they changed. While
/// every counter is zero the record is read too (one open, nothing when it is not there): a
/// record still holding non-zero counters of this filesystem means they were reset
/// (`btrfs device stats -z`, what check's WARNING asks for), and the zeros are recorded
/// (`reset`), so that errors which come again up to the old count read as new (outside attack
/// 11, B16: they compared equal and read "none new since the last check"). A healthy store
/// with no record, or one that already holds its zeros, writes nothing. A device whose counters
/// rose carries `rose=<seconds since the epoch>`, the time a run first saw the rise, kept until
/// the next rise or a reset: every run reading the record judges it CRITICAL for `--error-hold`
/// from then (`DeviceErrorRecord`).
public enum DeviceErrorLedger {
    public static let defaultPath = HostPath.known("/var/lib/dockstore/device-errors")

    /// Whether any counter of any device is non-zero.
    public static func needed(_ f: CapacityFigures) -> Bool {
        f.devices.contains { device in DeviceErrorCounters.names.contains { (device.errors[$0] ?? 0) > 0 } }
    }

    /// The record at `path` (resolved inside `host`'s root) as the baseline (empty when there is none yet).
    public static func load(_ path: HostPath, on host: Host) -> DeviceErrorBaseline {
        do {
            guard let text = try FileContents.readString(path, on: host) else { return .recorded([:]) }
            return .recorded(parse(text))
        } catch {
            return .unreadable("cannot read \(host.real(path)): \((error as? DockStoreError)?.message ?? "\(error)")")
        }
    }

    /// The record with this filesystem's counters in it, a device whose counters rose stamped
    /// with `now`; nil when it already holds them.
    public static func updated(_ f: CapacityFigures, now: Double) -> DeviceErrorRecord? {
        guard case .recorded(var all) = f.condition.errorBaseline else { return nil }
        var changed = false
        for device in f.devices {
            let key = DeviceErrorBaseline.key(uuid: f.uuid, devid: device.devid)
            let before = all[key] ?? [:]
            guard before != device.errors else { continue }
            if !device.errors.rose(since: before).isEmpty { all.rose[key] = now }
            all[key] = device.errors
            changed = true
        }
        return changed ? all : nil
    }

    /// While every counter of `f` is zero: the record with this filesystem's zeros in it when
    /// `baseline` still holds a non-zero counter of it (they were reset since); nil when
    /// nothing needs recording (no such counter, or a record that cannot be read: check says
    /// nothing of errors it does not see, and the next non-zero counters read the record again).
    public static func reset(_ f: CapacityFigures, baseline: DeviceErrorBaseline) -> DeviceErrorRecord? {
        guard case .recorded(var all) = baseline else { return nil }
        var changed = false
        for device in f.devices {
            let key = DeviceErrorBaseline.key(uuid: f.uuid, devid: device.devid)
            guard let was = all[key], DeviceErrorCounters.names.contains(where: { (was[$0] ?? 0) > 0 }) else { continue }
            all[key] = device.errors
            all.rose[key] = nil
            changed = true
        }
        return changed ? all : nil
    }

    /// Writes the record atomically inside `host`'s root, creating its folders (mode 0755) when missing.
    public static func save(_ record: DeviceErrorRecord, at path: HostPath, on host: Host) throws {
        try host.makeFolders(path.parent)
        try AtomicFile.write(path, on: host, Array(render(record).utf8), mode: 0o644)
    }

    static func parse(_ text: String) -> DeviceErrorRecord {
        var all = DeviceErrorRecord()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ")
            guard let key = words.first else { continue }
            var counters = DeviceErrorCounters()
            for word in words.dropFirst() {
                let pair = word.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if pair[0] == "rose" {
                    if let time = Int64(pair[1]) { all.rose[String(key)] = Double(time) }
                } else if let value = UInt64(pair[1]) {
                    counters[String(pair[0])] = value
                }
            }
            all[String(key)] = counters
        }
        return all
    }

    static func render(_ all: DeviceErrorRecord) -> String {
        var text = "# dockstore check: the btrfs device error counters it saw last, by <filesystem uuid>/<devid>; rose= when a check first saw them rise (seconds since the epoch)\n"
        for key in all.keys {
            let counters = all[key] ?? [:]
            var fields = DeviceErrorCounters.names.compactMap { name in counters[name].map { "\(name)=\($0)" } }
            if let rose = all.rose[key] { fields.append("rose=\(Int64(rose.rounded(.down)))") }
            text += ([key] + fields).joinedText(" ") + "\n"
        }
        return text
    }
}
