/// A second instance of the store (issue 15, attack 9): the image bound to another loop device,
/// or a loop device stacked on the store's loop device or device, or, for a device that is itself
/// a loop device, another loop device over its file (attack 11, A-3), mounted elsewhere. Teardown
/// takes down only the store at the mountpoint; the second instance stays mounted and keeps the
/// image held (so --delete-image could not delete it after everything else was undone) or the
/// device in use (a loop device does not claim the device under it, so --wipe-device's O_EXCL
/// open would not stop the wipe). So teardown refuses before it changes anything.
extension Teardowner {
    /// The refusal for the first mounted second instance, or for a loop device stacked on the
    /// image's loop device at all (it keeps that loop device bound after `losetup -d`, and the
    /// image with it); nil when there is none.
    static func secondInstanceRefusal(_ o: TeardownObservation, request: TeardownRequest, image: String, mountpoint: String,
                                      mounts: [MountEntry], root: String, sysfs: String = "/sys") throws -> DockStoreError? {
        let store = o.mounted == nil ? nil : o.storeUUID?.lowercased()
        for loop in o.imageLoops {
            let name = String(loop.dropFirst("/dev/".count))
            guard let fsid = try BtrfsSysfs.filesystem(withMember: name, sysfs: sysfs)?.lowercased(), fsid != store else { continue }
            // Nothing at the mountpoint given: the image mounted elsewhere is the store itself,
            // given the wrong --mountpoint (attack 9), not a second instance of it.
            if o.mounted == nil, let target = mounts.first(where: { $0.source == loop })?.target {
                return DockStoreError.refused("refusing: \(image) is mounted at \(target) through \(loop), not at \(mountpoint), where nothing is mounted: teardown takes the store down at its own mountpoint; nothing was changed: give it with --mountpoint \(StoreElsewhere.hostPath(target, root: root))")
            }
            return try refusal("\(loop) (a second loop device over \(image))", loop: loop, mounts: mounts, mountpoint: mountpoint)
        }
        let own = Set(o.imageLoops)
        let under = o.imageLoops + (o.device.map { [$0] } ?? [])
        let stacked = try LoopDevice.stacked(over: under, excluding: own, sysfs: sysfs)
        func what(_ one: StackedLoop) -> String {
            let above = StackedLoop.detachOrder(from: one.loop, in: stacked).dropLast()
            let on = above.isEmpty ? "" : ", with \(above.reversed().joinedText(" and ")) stacked on it"
            return "\(one.loop) (\(one.relation(to: "\(one.over), the store's \(own.contains(one.over) ? "image's loop device" : one.over == o.device ? "device" : "bytes")"))\(on))"
        }
        if let mounted = stacked.first(where: \.mounted) {
            return try refusal(what(mounted), loop: mounted.loop, mounts: mounts, mountpoint: mountpoint,
                               detach: StackedLoop.detachOrder(from: mounted.loop, in: stacked))
        }
        // The ones bound directly to the store's devices; those stacked on them are named with them.
        guard let first = stacked.first(where: { !stacked.map(\.loop).contains($0.over) }) ?? stacked.first else { return nil }
        let detach = StackedLoop.detachOrder(from: first.loop, in: stacked)
        let them = detach.count == 1 ? "it" : "them"
        if request.deleteImage, !o.imageLoops.isEmpty {
            return DockStoreError.refused("refusing to delete \(image): \(what(first)) holds it bound, so it cannot be detached; nothing was changed: \(detach.losetupDetachText), then re-run")
        }
        // Attack 35 Z T5: the image's loop devices are detached after the unmount, and the
        // kernel lets one go only once nothing is stacked on it: teardown stopped there.
        if !o.imageLoops.isEmpty {
            return DockStoreError.refused("refusing: \(what(first)) holds the image's loop device bound, so teardown could not detach it and would stop halfway, after the unmount; nothing was changed: \(detach.losetupDetachText) if nothing uses \(them), then re-run")
        }
        return nil
    }

    static func refusal(_ what: String, loop: String, mounts: [MountEntry], mountpoint: String, detach: [String]? = nil) throws -> DockStoreError {
        let targets = mounts.filter { $0.source == loop }.map(\.target)
        let foreign = targets.isEmpty ? try ForeignMounts.find(device: nil, blockDevices: Set([try FileStatus.following(loop)?.rdev].compactMap { $0 })) : []
        let place = !targets.isEmpty ? "mounted at \(targets.joined(separator: ", "))"
            : foreign.isEmpty ? "mounted where this mount namespace does not show (find it: grep \(loop) /proc/*/mountinfo)"
            : "mounted in another mount namespace (\(foreign.described))"
        let unmount = !targets.isEmpty ? targets.map { "umount \($0.shellWord)" }.joined(separator: ", ")
            : foreign.isEmpty ? "unmount it there" : foreign.remedy
        return DockStoreError.refused("refusing: \(what) is \(place): a second btrfs instance of the store at \(mountpoint), which teardown would leave mounted; nothing was changed: stop what writes there, \(unmount), \((detach ?? [loop]).losetupDetachText), then re-run")
            .unshownMount(targets.isEmpty && foreign.isEmpty)
    }
}

extension TeardownStep {
    /// The wipe's own check, in its re-check and again under the device's lock right before it:
    /// a mounted loop device stacked on the device, or over the file behind it when it is a loop
    /// device (attack 11, A-3), refuses: O_EXCL on the device sees neither.
    static func refuseMountedStacked(on path: String) throws {
        guard let stacked = try LoopDevice.stacked(over: [path]).first(where: \.mounted) else { return }
        let targets = try MountTable.read().entries.filter { $0.source == stacked.loop }.map(\.target)
        let place = targets.isEmpty ? "mounted where this mount namespace does not show (grep \(stacked.loop) /proc/*/mountinfo)" : "mounted at \(targets.joined(separator: ", "))"
        let unmount = targets.isEmpty ? "unmount it there" : targets.map { "umount \($0.shellWord)" }.joined(separator: ", ")
        throw DockStoreError.refused("refusing to wipe \(path): \(stacked.loop) (\(stacked.relation(to: stacked.over == path ? "it" : stacked.over))) is \(place), a second instance of its filesystem; nothing was wiped, and fstab still names it: \(unmount), losetup -d \(stacked.loop), then re-run teardown --wipe-device")
    }
}

extension TeardownStep {
    /// The image is bound to `loop` when its deletion comes: attached since teardown looked, or
    /// kept bound after the detach (a loop device mounted, or one stacked on it, only gets
    /// autoclear from `losetup -d`). Says where it, or a loop device over it, is mounted.
    static func stillAttached(_ path: String, _ loop: String) throws -> DockStoreError {
        let mounts = try MountTable.read().entries
        let name = String(loop.dropFirst("/dev/".count))
        var holders: [(loop: String, over: String, targets: [String], mounted: Bool)] = [
            (loop, "", mounts.filter { $0.source == loop }.map(\.target), try BtrfsSysfs.filesystem(withMember: name) != nil)]
        for stacked in try LoopDevice.stacked(over: [loop]) {
            holders.append((stacked.loop, " (\(stacked.relation(to: stacked.over)))", mounts.filter { $0.source == stacked.loop }.map(\.target), stacked.mounted))
        }
        let mounted = holders.filter { $0.mounted || !$0.targets.isEmpty }
        guard !mounted.isEmpty else {
            return DockStoreError.refused("\(path) is attached to \(loop); not deleting it: detach it (losetup -d \(loop)) and re-run")
        }
        let places = mounted.map { holder in
            let place = holder.targets.isEmpty ? "mounted where this mount namespace does not show" : "mounted at \(holder.targets.joined(separator: ", "))"
            return "\(holder.loop)\(holder.over) is \(place)"
        }.joined(separator: "; ")
        let unmount = mounted.flatMap { $0.targets.isEmpty ? ["unmount \($0.loop)"] : $0.targets.map { "umount \($0.shellWord)" } }
        let detach = (mounted.map(\.loop).reversed() + [loop]).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return DockStoreError.refused("\(path) is attached to \(loop); \(places); not deleting it: \(unmount.joined(separator: ", ")), \(detach.map { "losetup -d \($0)" }.joined(separator: ", ")), then re-run")
    }
}
