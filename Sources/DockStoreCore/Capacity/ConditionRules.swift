/// The verdicts on what `StoreCondition` observed: states in which the space figures say
/// little because no write can succeed, the data is at risk, or a part could not be read.
enum ConditionRules {
    static func evaluate(_ f: CapacityFigures) -> [CapacityReason] {
        let c = f.condition
        let mp = f.mountpoint
        var reasons: [CapacityReason] = []
        if let over = c.mountedOver {
            reasons.append(CapacityReason(state: .critical, figure: "mounted_over", message: over.verdict(mountpoint: mp)))
        }
        for devid in c.missingDevices {
            reasons.append(CapacityReason(state: .critical, figure: "device_missing",
                message: "device \(devid) of the btrfs at \(mp) is missing (mounted degraded): chunks on it have no second copy and new writes may fail; attach the device again, then stop Docker, umount \(mp.shellWord) and mount it again (dockstore provision): a remount does not bring a missing device back; or replace it (btrfs replace start \(devid) NEWDEVICE \(mp.shellWord))"))
        }
        for member in c.nodelessMembers {
            reasons.append(CapacityReason(state: .warning, figure: "device_node_missing", message: member.device.memberVerdict(devid: member.devid, mountpoint: mp)))
        }
        // A reclaim's lent room and a migration's target have their own rules (journals).
        // Only the store's own members: another btrfs mounted there (another root's, or by hand)
        // is not to be moved onto a volume, and a store that left its image is told to go back
        // onto it (`image_moved`), which takes it out of memory too.
        let inMemory = c.otherStoreMounted != nil || c.foreignLoop != nil || c.unseenLoop != nil ? []
            : c.volatileMembers.filter { $0.loop != c.movedImage?.loop }
        for member in inMemory {
            reasons.append(CapacityReason(state: .critical, figure: "device_in_memory", message: member.verdict(mountpoint: mp)))
        }
        // A member in memory is said once, by the rule above.
        let explained = Set(f.remedyContext?.reclaimMembers ?? []).union(inMemory.map(\.devid))
        if f.remedyContext?.migrating != true {
            // The member the image was renamed to is image_moved's (attack 53 W O6: "move its
            // data back onto the image" named a file that was no longer the store's).
            for member in c.unbootedMembers where !explained.contains(member.devid) && member.loop != c.movedImage?.loop {
                reasons.append(CapacityReason(state: .critical, figure: "device_not_attached_at_boot", message: member.verdict(mountpoint: mp)))
            }
        }
        switch c.readOnly {
        case .no: break
        case .byOption:
            reasons.append(CapacityReason(state: .critical, figure: "read_only",
                message: "\(mp) is mounted read-only (mount option ro): Docker cannot write; if that was not intended, mount -o remount,rw \(mp.shellWord) (and take ro out of its fstab line if it is there)"))
        case .forced:
            reasons.append(CapacityReason(state: .critical, figure: "read_only",
                message: "the btrfs at \(mp) is read-only under a read-write mount: btrfs turns itself read-only after an error it cannot survive; stop Docker, read the cause (dmesg | grep -i btrfs), copy off what you need while it is readable, then unmount and run btrfs check --readonly on its device; a remount will not make it writable"))
        }
        reasons += MountOptionRules.evaluate(f)
        reasons += RootStateRules.evaluate(f)
        // A deleted file in memory is device_in_memory's: copied out beside it, it would still
        // be lost at the reboot (attack 55 Z 2).
        if let image = c.image, !inMemory.contains(where: { $0.loop == image.loop }), let verdict = image.verdict(mountpoint: mp) {
            reasons.append(CapacityReason(state: .critical, figure: image.link == .deleted ? "image_deleted" : "image_replaced", message: verdict))
        }
        if let host = c.hostReadOnly, let image = c.image {
            reasons.append(CapacityReason(state: .critical, figure: "host_read_only", message: host.verdict(image: image.path, mountpoint: mp)))
        }
        if let foreign = c.foreignLoop {
            reasons.append(CapacityReason(state: .critical, figure: "foreign_store", message: foreign.verdict(mountpoint: mp)))
        }
        if let journal = c.journalUnreadable {
            reasons.append(CapacityReason(state: .critical, figure: "migration_journal",
                message: "\(journal); until then the next boot's dockstore provision refuses and mounts nothing at \(mp), so Docker does not start"))
        }
        if let migration = c.openMigration {
            reasons.append(CapacityReason(state: .warning, figure: "migration_open",
                message: migration))
        }
        if let option = c.fstabOptionRejected {
            reasons.append(CapacityReason(state: .critical, figure: "fstab_option_rejected", message: option))
        }
        if let moved = c.movedImage {
            reasons.append(CapacityReason(state: .critical, figure: "image_moved", message: moved.verdict(mountpoint: mp)))
        }
        if let other = c.otherStoreMounted {
            reasons.append(CapacityReason(state: .critical, figure: "other_store_mounted", message: other.verdict(mountpoint: mp)))
        }
        for group in c.copies {
            let mounted = Set(f.devices.map(\.path))
            let which = group.first(where: { mounted.contains($0.path) }).map { " (\($0.path) is the one mounted at \(mp))" } ?? ""
            reasons.append(CapacityReason(state: .critical, figure: "store_copy",
                message: "\(StoreCopies.describe(uuid: f.uuid ?? "?", [group]))\(which): the next boot mounts whichever its UUID= finds first, and the older one rolls the store back; \(StoreCopies.advice([group]))"))
        }
        let image = c.image?.path ?? "the store's image"
        for second in c.secondLoops {
            // Matched by name only, it may be another root's file of that name on this kernel.
            let byName = second.byName == true
            let named = !byName ? "" : second.linkName.map { ", through the kernel's name of its backing file, \($0), which reaches the image's file here (a hard link; check as root confirms it is this image)" }
                ?? ", by the kernel's name of its backing file only (check as root tells this image from another root's file of that name)"
            let first = byName ? "if check as root confirms it, " : ""
            if second.byMetadataUUID == true {
                reasons.append(CapacityReason(state: .critical, figure: "image_second_instance",
                    message: "\(second.loop) is mounted as a btrfs with the store's on-disk UUID under a temporary fsid: a second instance of \(image) attached under another name, or a block copy of it (check as root tells them apart); a second instance writing the same file as the store at \(mp) loses files: if check as root confirms it, stop what writes there, unmount it (findmnt \(second.loop)) and losetup -d \(second.loop)"))
            } else if second.mounted {
                reasons.append(CapacityReason(state: .critical, figure: "image_second_instance",
                    message: "\(image) is also attached to \(second.loop)\(named), which is mounted: a second btrfs instance of the store at \(mp), and two instances writing one file lose files; \(first)stop what writes there, unmount it (findmnt \(second.loop)) and losetup -d \(second.loop)"))
            } else if let offset = second.offset {
                reasons.append(CapacityReason(state: .warning, figure: "image_second_loop",
                    message: "\(image) is also attached to \(second.loop) from byte \(offset)\(named) (not mounted): shifted, it cannot be mounted as the store, but whatever writes to it writes into the store at \(mp); \(first)detach it (losetup -d \(second.loop))"))
            } else if let bytes = second.bytes, let store = c.image.flatMap({ image in f.devices.first { $0.path == image.loop } }), bytes < store.size {
                reasons.append(CapacityReason(state: .warning, figure: "image_second_loop",
                    message: "\(image) is also attached to \(second.loop), \(bytes) bytes long\(named) (not mounted): \(TruncatedView.words(store.size)), but whatever writes to it writes into the store at \(mp); \(first)detach it (losetup -d \(second.loop))"))
            } else {
                reasons.append(CapacityReason(state: .warning, figure: "image_second_loop",
                    message: "\(image) is also attached to \(second.loop)\(named) (not mounted): mounting it would make a second btrfs instance of the store at \(mp) that loses files; \(first)detach it (losetup -d \(second.loop))"))
            }
        }
        reasons += StackedLoopRules.evaluate(f)
        if let operation = c.exclusiveOperation {
            let paused = operation.hasSuffix("paused")
            let what = paused ? "a btrfs \(operation.replacingAll(" paused", "")) is paused" : "a btrfs \(operation) is running"
            let reclaims = operation.hasPrefix("balance") && f.lentRoom != nil
            let todo = reclaims
                ? (paused ? "it is an interrupted reclaim's: \(Remedy.reclaim(f)) cancels it, finishes and gives back the room it lent"
                          : "a reclaim holds room lent: let it finish, or if it was interrupted \(Remedy.reclaim(f)) cancels the balance and gives the room back")
                : paused
                ? "resume it (btrfs balance resume \(mp.shellWord)) or cancel it (btrfs balance cancel \(mp.shellWord))"
                : "let it finish (\(operation.hasPrefix("balance") ? "btrfs balance status" : operation == "device replace" ? "btrfs replace status -1" : "btrfs filesystem show") \(mp.shellWord); btrfs device usage \(mp.shellWord)); dockstore grow and migrate-ebs cannot start before it ends"
            reasons.append(CapacityReason(state: .warning, figure: "exclusive_operation",
                message: "\(what) on \(mp): the figures move while it runs and no other device operation can start; \(todo)"))
        }
        if let elsewhere = c.dataRootElsewhere {
            reasons.append(CapacityReason(state: .warning, figure: "data_root_elsewhere",
                message: "\(elsewhere); the figures are the store's, and what Docker writes goes elsewhere, where check does not look"))
        }
        if let driver = c.driverElsewhere {
            reasons.append(CapacityReason(state: .warning, figure: "storage_driver_elsewhere", message: driver))
        }
        let user = c.user.map { "; check ran as \($0)" } ?? ""
        for what in c.unreadable {
            reasons.append(CapacityReason(state: .unknown, figure: "unreadable", message: "\(what)\(user)"))
        }
        return reasons
    }
}

/// Device error counters: CRITICAL when any rose since the last run (or were never seen
/// before), and for `hold` after a run first saw them rise (the time the record keeps), so
/// every consumer of the record sees the rise alike; WARNING while old errors stay on the
/// counters after that, until they are reset (`btrfs device stats -z`).
enum DeviceErrorRules {
    static func evaluate(_ f: CapacityFigures, hold: ErrorHold, now: Double) -> [CapacityReason] {
        var reasons: [CapacityReason] = []
        for device in f.devices {
            let nonZero = DeviceErrorCounters.names.filter { (device.errors[$0] ?? 0) > 0 }
            guard !nonZero.isEmpty else { continue }
            let counts = nonZero.map { "\($0)=\(device.errors[$0] ?? 0)" }.joinedText(" ")
            let name = device.isMissing ? "missing device" : "device \(device.path)"
            let what = "\(name) (devid \(device.devid)) of \(f.mountpoint) has \(counts)"
            let todo = "check the disk (dmesg; btrfs device stats \(f.mountpoint.shellWord)) and run btrfs scrub start \(f.mountpoint.shellWord)"
            let reset = "once the cause is fixed, reset them (btrfs device stats -z \(f.mountpoint.shellWord))"
            switch f.condition.errorBaseline {
            case .notNeeded, .recorded:
                var record = DeviceErrorRecord()
                if case .recorded(let all) = f.condition.errorBaseline { record = all }
                let key = DeviceErrorBaseline.key(uuid: f.uuid, devid: device.devid)
                let rose = device.errors.rose(since: record[key] ?? [:])
                if !rose.isEmpty {
                    reasons.append(CapacityReason(state: .critical, figure: "device_errors",
                        message: "\(what), \(rose.joinedText(", ")) rising: \(todo)"))
                } else if let seen = record.rose[key], hold.holds(seen, now: now) {
                    reasons.append(CapacityReason(state: .critical, figure: "device_errors",
                        message: "\(what), rising since \(UTCTime.format(seen)) (CRITICAL for --error-hold \(hold.text) after a rise): \(todo); \(reset)"))
                } else {
                    let since = record.rose[key].map { "since \(UTCTime.format($0))" } ?? "since the last check"
                    reasons.append(CapacityReason(state: .warning, figure: "device_errors",
                        message: "\(what), none new \(since): \(todo); \(reset)"))
                }
            case .unreadable(let why):
                reasons.append(CapacityReason(state: .warning, figure: "device_errors", message: "\(what): \(todo)"))
                reasons.append(CapacityReason(state: .unknown, figure: "unreadable",
                    message: "cannot tell whether the device errors rose: \(why)\(f.condition.user.map { "; check ran as \($0)" } ?? "")"))
            }
        }
        return reasons
    }
}
