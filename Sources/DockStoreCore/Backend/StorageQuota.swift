/// Storage options that ask for a per-container size limit, which dockerd 20.10 sets with
/// project quota and refuses to start without: `overlay2.size` only on xfs whose project quota
/// is enforced (overlay2's Init: "Storage option overlay2.size not supported. Filesystem does
/// not support Project Quota", or "only supported for backingFS XFS" elsewhere), vfs's `size`
/// wherever project quota is enforced (quota.NewControl: Q_XGETQSTAT_PRJQUOTA must say
/// accounted and enforced). A size RAMInBytes reads as 0 asks for nothing.
public enum StorageQuota {
    /// Whether a mount with these options enforces project quota: xfs's `pquota`/`prjquota`
    /// (mountinfo says `prjquota`; `pqnoenforce` only accounts), ext4's `prjquota`.
    public static func enforced(options: [String]) -> Bool {
        options.contains("prjquota") || options.contains("pquota")
    }

    /// The mount option that turns it on, for the remedy.
    static let remedy = "DOCKSTORE_MOUNT_OPTIONS=\"pquota\""

    /// Why dockerd would not start with `options` on `filesystem`; nil when it would, or when
    /// the filesystem (no folder there yet) or its quota state (`projectQuota` nil) was not read.
    public static func problem(options: [String], filesystem: FilesystemType?, projectQuota: Bool?, target: String) -> String? {
        guard let fs = filesystem else { return nil }
        for option in options {
            guard let equals = option.firstIndex(of: "=") else { continue }
            let key = StorageOptionValue.goTrimSpace(String(option[..<equals])).lowercased()
            guard StorageOptionValue.asksForQuota(key: key, value: String(option[option.index(after: equals)...])) else { continue }
            if key == "overlay2.size", fs.name != "xfs" {
                return "storage option '\(option)' limits each container's size with xfs project quota, and \(target) is on \(fs.name): dockerd refuses to start (\"Storage Option overlay2.size only supported for backingFS XFS\"); drop the option, or put the store on xfs (provision --device DEV --fs xfs with \(remedy))"
            }
            // Project quota is read on xfs and ext4 (nil: not read, nothing to judge); no other
            // filesystem answers Q_XGETQSTAT_PRJQUOTA.
            if projectQuota == false || !["xfs", "ext4"].contains(fs.name) {
                let which = fs.name == "xfs" ? "the xfs at \(target) is mounted without pquota" : "\(target) (\(fs.name)) has no project quota enforced"
                let said = key == "overlay2.size"
                    ? "Storage option overlay2.size not supported. Filesystem does not support Project Quota"
                    : "Filesystem does not support, or has not enabled quotas"
                let how = fs.name == "xfs"
                    ? "mount it with pquota (\(remedy) in /etc/sysconfig/dockstore, then umount \(target.shellWord) and run dockstore provision: xfs takes quota options only when mounted)"
                    : "enable project quota there"
                return "storage option '\(option)' limits each container's size with project quota, and \(which): dockerd refuses to start (\"\(said)\"); \(how), or drop the option"
            }
        }
        return nil
    }
}
