/// Mounts in this mount namespace that the unmount at the mountpoint does not take down (attack
/// 31, R 3a–3c):
/// - the store also mounted at another place here (a bind mount of it or of a folder in it, a
///   second mount of the same filesystem): teardown unmounted the mountpoint, said it detached
///   the loop device (the kernel only marks a loop device in use for autoclear) and reported
///   done while the store stayed mounted and written there; with `--delete-image` it undid
///   fstab, the drop-ins and the settings, then refused the delete (exit 2, "nothing was
///   changed" broken);
///   A copy the unmount reaches by propagation (a peer or slave of the mountpoint's parent)
///   does not count (`ForeignMounts.copiesReceivingUnmount`).
/// - another filesystem mounted inside the store (a tmpfs volume, a leftover of a dockerd that
///   died): the unmount fails "busy" and `fuser -vm` shows no process.
///
/// - a loop device over a file in the store: the same "busy", which no mount table shows.
///
/// Teardown refuses before its first step, naming them. Inside the store it judges only once no
/// dockerd runs: a running dockerd's own mounts there (its home bound over itself, containers'
/// shm) go away when it stops, and the unmount step's re-check judges them then.
extension Teardowner {
    static func refuseMountsHere(_ mounts: [MountEntry], store: MountEntry, at target: String, dockerdRuns: Bool, changed: Bool) throws {
        let nothing = changed ? "nothing was unmounted" : "nothing was changed"
        let inside = target == "/" ? "/" : target + "/"
        let propagated = try ForeignMounts.copiesReceivingUnmount(at: target)
        let elsewhere = mounts.filter {
            $0.device == store.device && !$0.target.sameBytes(target) && !$0.target.hasBytePrefix(inside) && !propagated.contains($0.target)
        }
        if !elsewhere.isEmpty {
            let places = elsewhere.map { "\($0.target)\($0.root == "/" ? "" : " (its folder \($0.root))")" }.joinedText(", ")
            throw DockStoreError.refused("refusing: Docker's storage at \(target) is also mounted at \(places) in this mount namespace (a bind mount, or the same filesystem mounted again), which its unmount at \(target) does not take down: it would stay mounted and written there, its device in use; \(nothing): unmount it (\(elsewhere.map { "umount \($0.target.shellWord)" }.joinedText("; "))), then re-run")
        }
        guard !dockerdRuns else { return }
        let loops = try LoopDevice.overFiles(in: target, device: store.device)
        if !loops.isEmpty {
            let named = loops.map { "\($0.loop) (over \($0.file))" }.joinedText(", ")
            throw DockStoreError.refused("refusing: \(named) \(loops.count == 1 ? "is a loop device" : "are loop devices") over a file in Docker's storage at \(target), which keeps it busy (no mount table and no fuser shows that): it cannot be unmounted; \(nothing): detach \(loops.count == 1 ? "it" : "them") (\(loops.map { "losetup -d \($0.loop)" }.joinedText("; "))), then re-run")
        }
        let within = mounts.filter { $0.target.hasBytePrefix(inside) }
        guard !within.isEmpty else { return }
        // Deepest first: the order in which they can be unmounted.
        let order = within.reversed().map { "umount \($0.target.shellWord)" }.joinedText("; ")
        throw DockStoreError.refused("refusing: \(within.map { "\($0.target) (\($0.fstype))" }.joinedText(", ")) \(within.count == 1 ? "is" : "are") mounted inside Docker's storage at \(target), so it cannot be unmounted (busy); \(nothing): unmount \(within.count == 1 ? "it" : "them") (\(order)), then re-run")
    }
}
