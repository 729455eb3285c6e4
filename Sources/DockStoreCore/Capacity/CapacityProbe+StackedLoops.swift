/// Loop devices stacked on the store's own block devices (issue 15, attack 9): a loop device
/// over the image's loop device, or over the store's device, shows the store's bytes; mounted,
/// it is a second btrfs instance that loses files, as a second loop device over the image is.
extension CapacityProbe {
    /// Fills `imageStackedLoops` (over a loop member, or over another loop device of its image
    /// already in `secondLoops`) and `deviceStackedLoops` (over any other member). Sysfs reads
    /// and a stat per bound loop device: cheap enough for `check`. Unreadable is UNKNOWN.
    static func readStackedLoops(_ reading: BtrfsReading, sysfs: String, into condition: inout StoreCondition) {
        let members = reading.devices.filter { !$0.isMissing }.map(\.path)
        let loops = members.filter { $0.hasPrefix("/dev/loop") }
        let devices = members.filter { !$0.hasPrefix("/dev/loop") }
        let own = Set(members)
        do {
            if !loops.isEmpty {
                condition.imageStackedLoops = try LoopDevice.stacked(over: loops + condition.secondLoops.map(\.loop), excluding: own, sysfs: sysfs)
            }
            if !devices.isEmpty {
                condition.deviceStackedLoops = try LoopDevice.stacked(over: devices, excluding: own, sysfs: sysfs)
            }
        } catch {
            condition.unreadable.append("cannot tell whether a loop device is stacked on the store's devices (\(members.joined(separator: ", "))), a second instance of the store: \(message(error))")
        }
    }
}

/// The verdicts on loop devices stacked on the store's devices: mounted, CRITICAL; bound, WARNING.
enum StackedLoopRules {
    static func evaluate(_ f: CapacityFigures) -> [CapacityReason] {
        let c = f.condition, mp = f.mountpoint
        var reasons: [CapacityReason] = []
        for (stacked, kind) in c.imageStackedLoops.map({ ($0, "image") }) + c.deviceStackedLoops.map({ ($0, "device") }) {
            let member = f.devices.contains { $0.path == stacked.over }
            let what = member ? (kind == "image" ? "the store's loop device" : "the store's device")
                : (kind == "image" ? "itself over the store's image" : "itself over the store's device")
            if stacked.mounted {
                reasons.append(CapacityReason(state: .critical, figure: "\(kind)_second_instance",
                    message: "\(stacked.loop) is a loop device over \(stacked.over) (\(what)), and it is mounted: a second btrfs instance of the store at \(mp), and two instances writing one file lose files; stop what writes there, unmount it (findmnt \(stacked.loop)) and losetup -d \(stacked.loop)"))
            } else if let offset = stacked.offset {
                reasons.append(CapacityReason(state: .warning, figure: "\(kind)_second_loop",
                    message: "\(stacked.loop) is a loop device over \(stacked.over) (\(what)) from byte \(offset), not mounted: shifted, it cannot be mounted as the store, but whatever writes to it writes into the store at \(mp); detach it (losetup -d \(stacked.loop))"))
            } else if let bytes = stacked.bytes, let store = f.devices.first(where: { $0.path == stacked.over }), bytes < store.size {
                reasons.append(CapacityReason(state: .warning, figure: "\(kind)_second_loop",
                    message: "\(stacked.loop) is a loop device over \(stacked.over) (\(what)), \(bytes) bytes long, not mounted: \(TruncatedView.words(store.size)), but whatever writes to it writes into the store at \(mp); detach it (losetup -d \(stacked.loop))"))
            } else {
                reasons.append(CapacityReason(state: .warning, figure: "\(kind)_second_loop",
                    message: "\(stacked.loop) is a loop device over \(stacked.over) (\(what)), not mounted: mounting it would make a second btrfs instance of the store at \(mp) that loses files; detach it (losetup -d \(stacked.loop))"))
            }
        }
        return reasons
    }
}
