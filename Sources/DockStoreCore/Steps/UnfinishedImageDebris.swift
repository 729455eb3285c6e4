/// The image a killed provision left unfinished (`UnfinishedImage`, `<image>.dockstore-new`)
/// beside the image the settings name (or the default one): debris of a killed run, which the
/// next changing run of backend, grow, reclaim or migrate-ebs removes as it sweeps (attack 37 V
/// K-F1: `backend` left a 300 MiB `--thick` leftover in place). A run holding the run lock knows
/// no provision is building it. Removed only when `ImageLeftover` finds it removable — a regular
/// file with one name that no loop device holds, and no mount point — and only while its name is still that file
/// (`Host.removeFile(_:ifStill:_:what:)`). Provision removes it as a step of its own plan, and
/// teardown without --delete-image keeps it as it keeps the image: those two do not sweep it.
public enum UnfinishedImageDebris {
    /// The removable leftover beside the configured image; nil when there is none, or when what
    /// is at that name is not removable (a loop device holds it, a second name, not a file:
    /// `status` and provision say so).
    /// A settings file that cannot be read names no image: nothing is swept then (the command
    /// itself may not read the settings at all, given --mountpoint), and provision says why.
    public static func removable(host: Host) throws -> ImageLeftover? {
        let image: HostPath
        do {
            image = try StorePaths.read(host: host, image: nil, mountpoint: nil).image
        } catch {
            return nil
        }
        let leftover = try ImageLeftover.observe(host: host, image: image).first { leftover in
            guard leftover.which == .unfinished, case .removable = leftover.state else { return false }
            return true
        }
        // Something mounted over that name (a bind mount of another file) is not dockstore's
        // leftover: unlink would fail with EBUSY, and the file under it is not what was looked at
        // (attack 38 U D7). Status and provision name it.
        guard let leftover, try !WritePreflight.isMountPoint(leftover.path, on: host, shown: host.real(leftover.path)) else { return nil }
        return leftover
    }

    /// Whether there is one to sweep: a run that finds one changes something, so it takes the
    /// lock. What cannot be read counts as none here; the sweep itself reads it again.
    public static func present(host: Host) -> Bool {
        do {
            return try removable(host: host) != nil
        } catch {
            return false
        }
    }

    /// Removes it, best effort as the other debris: the line saying what was removed, or why it
    /// stays (it is then reported by status and removed by the next provision); nil when there
    /// is nothing to remove.
    static func sweep(host: Host) -> String? {
        let shown = { (leftover: ImageLeftover) in "\(host.real(leftover.path)) (\(leftover.which.what))" }
        do {
            guard let leftover = try removable(host: host), case .removable(let identity, _) = leftover.state else { return nil }
            do {
                try host.removeFile(leftover.path, ifStill: identity.device, identity.inode, what: leftover.which.what)
            } catch {
                return "[debris] left \(shown(leftover)): \((error as? DockStoreError)?.message ?? "\(error)")"
            }
            return "[debris] removed \(host.real(leftover.path)) (\(leftover.which.what)\(leftover.allocatedText))"
        } catch {
            return "[debris] cannot tell whether a killed provision left an unfinished image: \((error as? DockStoreError)?.message ?? "\(error)")"
        }
    }
}
