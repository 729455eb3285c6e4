/// After its unmount and its detach, teardown asks the kernel whether it let the store go
/// (attack 32, S td6, td10): an overlay with a folder of the store as a layer, or a mount
/// unmounted lazily (`umount -l`) while a process still works in it, keeps the filesystem
/// alive where no mount table shows it. The unmount at the mountpoint then succeeds, the loop
/// device's detach only marks it to go once free (LOOP_CLR_FD on a busy device sets autoclear
/// and returns 0), and teardown reported "detach" and done while the store was still written.
/// Each check waits a moment for the kernel to finish, then fails the step, before any file
/// is changed: the steps after it (fstab, drop-ins, settings) do not run.
extension Teardowner {
    /// The btrfs `identity` names is gone from /sys/fs/btrfs: no mount of it is left anywhere.
    static func checkReleased(_ identity: MountedIdentity, mountpoint: String, sysfs: String = "/sys", seconds: Double = 5) throws {
        guard identity.isBtrfs, let uuid = identity.uuid?.lowercased() else { return }
        let folder = "\(sysfs)/fs/btrfs/\(uuid)"
        var waited = 0.0
        while PathCalls.exists(folder) {
            guard waited < seconds else {
                throw DockStoreError.failed("unmounted Docker's storage at \(mountpoint), but the kernel still holds its btrfs \(uuid) (\(folder) is there): \(holders(mountpoint)); teardown stopped before detaching or changing any file: end that use, then re-run")
            }
            MonotonicClock.sleep(0.05)
            waited += 0.05
        }
    }

    /// The loop devices of `loops` that still run on `image` (by device and inode: the kernel
    /// keeps only 63 bytes of a backing file's name) after their detach.
    static func checkDetached(_ loops: [String], image: String, mountpoint: String) throws {
        let file = try FileStatus.of(image)
        let held = try loops.filter { loop in
            guard let status = try LoopDevice.status(loop) else { return false }
            guard let file else { return true }
            return status.backingDevice == file.device && status.backingInode == file.inode
        }
        guard !held.isEmpty else { return }
        let all = try LoopDevice.stacked(over: held, excluding: Set(held))
        let stacked = all.map { one in
            "\(one.loop) is \(one.relation(to: one.over)) (\(StackedLoop.detachOrder(from: one.loop, in: all).losetupDetachText))"
        }
        let known = [try openText(held)].compactMap { $0 } + stacked
        let why = known.isEmpty ? holders(mountpoint) + ", or a process holding the loop device itself open (fuser -v \(held.joinedText(" ")))" : known.joinedText("; ")
        throw DockStoreError.failed("\(held.joinedText(", ")) still \(held.count == 1 ? "runs" : "run") on \(image) after \(held.count == 1 ? "its" : "their") detach: the kernel lets a loop device go only once nothing uses it, and \(why); teardown stopped before changing any file: end that use, then re-run (the kernel detaches \(held.count == 1 ? "it" : "them") by itself once free)")
    }

    /// Loop devices over the image that a process holds open: teardown's detach would only mark
    /// them to go once free and stop halfway, so it refuses before any change, naming them.
    static func refuseOpenLoops(_ loops: [String]) throws {
        guard let opened = try openText(loops) else { return }
        throw DockStoreError.refused("refusing: \(opened); teardown detaches every loop device over the image, and the kernel lets one go only once nothing holds it open: end that use and re-run; nothing was changed")
    }

    /// --wipe-device on a device a process holds open (a dd, a backup reading it): the wipe would
    /// pull the signatures from under it and nothing would say so (attack 35 Z W1). Refused in the
    /// plan (`changed` false) and again right before the wipe, under the device's lock.
    static func refuseOpenDevice(_ device: String, changed: Bool) throws {
        guard let opened = try openText([device]) else { return }
        let state = changed ? "nothing was wiped, and fstab still names it" : "nothing was changed"
        throw DockStoreError.refused("refusing to wipe \(device): \(opened); \(state): end that use and re-run teardown --wipe-device")
    }

    /// "/dev/loop2 is open in process 1234 (sleep)" for those of `loops` a process holds open;
    /// nil when none is.
    static func openText(_ loops: [String]) throws -> String? {
        var numbers: [UInt64: String] = [:]
        for loop in loops {
            if let number = try LoopDevice.blockNumber(loop) { numbers[number] = loop }
        }
        let openers = try BlockDeviceOpeners.of(Set(numbers.keys))
        let parts = numbers.sorted { $0.value < $1.value }.compactMap { device, loop in
            openers[device].map { "\(loop) is open in \(BlockDeviceOpeners.text($0)) (fuser -v \(loop))" }
        }
        return parts.isEmpty ? nil : parts.joinedText("; ")
    }

    /// What keeps a filesystem in use where the mount table does not show it.
    static func holders(_ mountpoint: String) -> String {
        "something the mount table does not show still uses the store: an overlay with a folder of it as a layer (findmnt -t overlay), a mount unmounted lazily while a process still works in it (ls -l /proc/*/cwd /proc/*/root | grep \(mountpoint.shellWord)), or a process's open files (lsof | grep \(mountpoint.shellWord))"
    }
}
