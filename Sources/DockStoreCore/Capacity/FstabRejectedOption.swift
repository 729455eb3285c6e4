/// An option of fstab's line for the store that the running kernel's filesystem rejects
/// (attack 26 L3): added by hand while the store is mounted, it changes nothing until the next
/// boot, where systemd's mount of the line fails and `dockstore provision` refuses it
/// (`ProvisionPlanner.refuseKernelRejectedOptions`), so Docker does not start. check says it
/// while there is time to correct the line.
///
/// Asked as provision asks (`KernelMountOptions`: libmount's split, then fsopen and fsconfig,
/// which mount nothing), which needs root; without it nothing is judged. Options that never
/// reach a filesystem, and those provision itself writes (asked when it wrote them), are left
/// out first, so a line of dockstore's own asks nothing and loads no library.
public struct FstabRejectedOption: Sendable, Equatable {
    public var fstabPath: String
    /// The line's number in fstab, from 1.
    public var line: Int
    public var option: String
    public var filesystem: String
    /// The kernel's words.
    public var why: String

    public func verdict() -> String {
        "\(fstabPath) line \(line) mounts the store with the option '\(option)', which the kernel's \(filesystem) rejects (\(why)): the next boot's mount of the store fails and dockstore provision refuses it, so Docker does not start; correct it or take it out of that line"
    }

    /// The first option of a line at `mountpoint` the kernel rejects; nil when none does, when
    /// the kernel cannot be asked (not root, no fsopen) or does not judge before a mount.
    public static func find(fstab bytes: [UInt8]?, mountpoint: HostPath, fstabPath: String) -> FstabRejectedOption? {
        guard let bytes else { return nil }
        for (index, entry) in FstabFile(bytes: bytes).entries(mountingAt: mountpoint) {
            guard CapacityProbe.storeFilesystems.contains(entry.fstype), entry.options.contains(where: mayReachFilesystem),
                  CurrentProcess.isRoot,
                  let rejected = KernelMountOptions.rejected(entry.options, fstype: entry.fstype),
                  let option = entry.options.first(where: { rejected[$0] != nil }), let why = rejected[option] else { continue }
            return FstabRejectedOption(fstabPath: fstabPath, line: index + 1, option: option, filesystem: entry.fstype, why: why)
        }
        return nil
    }

    /// False for an option libmount keeps to itself or hands to the VFS as a flag, and for
    /// those provision writes; true for anything else, which libmount's own split then judges.
    static func mayReachFilesystem(_ option: String) -> Bool {
        let key = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? option
        if key.hasPrefix("x-") || key.hasPrefix("X-") || keptFromTheFilesystem.contains(key) { return false }
        return !writtenByProvision.contains(option)
    }

    /// libmount's own options and the VFS flags (mount(8), "FILESYSTEM-INDEPENDENT MOUNT OPTIONS").
    static let keptFromTheFilesystem: Set<String> = [
        "defaults", "auto", "noauto", "nofail", "_netdev", "user", "nouser", "users", "owner", "group", "comment",
        "ro", "rw", "atime", "noatime", "relatime", "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime",
        "diratime", "nodiratime", "dev", "nodev", "suid", "nosuid", "exec", "noexec", "sync", "async", "dirsync",
        "symfollow", "nosymfollow", "mand", "nomand", "iversion", "noiversion", "silent", "loud",
    ]

    /// The filesystem options provision writes into its own line (`ProvisionRequest.imageMountOptions`).
    static let writtenByProvision: Set<String> = ["discard=async", "nodiscard"]
}
