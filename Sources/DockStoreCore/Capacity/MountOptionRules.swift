/// The verdicts on the store's live mount options that no write-space figure shows: `noexec`
/// (also what `user`/`users` set) and `nosymfollow`, which DOCKSTORE_MOUNT_OPTIONS and an
/// adopted fstab line are refused for (`MountOptions.unusable`). dockerd's drivers mount every
/// container's files from the store and those mounts inherit both, so no container can start
/// (`exec` fails with EACCES, `/bin/sh -> busybox` with ELOOP). CRITICAL, as a read-only store is.
enum MountOptionRules {
    static func evaluate(_ f: CapacityFigures) -> [CapacityReason] {
        f.condition.blockingOptions.map { option in
            CapacityReason(state: .critical, figure: "mount_option", message: message(option, mountpoint: f.mountpoint))
        }
    }

    /// check's and status's words for a store mounted with `option`.
    static func message(_ option: String, mountpoint mp: String) -> String {
        let reason = MountOptions.unusable(option) ?? "keeps Docker's containers from starting"
        let undo = option == "noexec" ? "exec" : "symfollow"
        return "\(mp) is mounted \(option), which \(reason); mount -o remount,\(undo) \(mp.shellWord) (and take \(option) out of its fstab line if it is there)"
    }
}
