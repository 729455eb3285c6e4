/// A store dockstore finished at another mountpoint of this root: its fstab line (btrfs, with
/// dockstore's ordering option `x-systemd.before=dockstore-provision.service`, which only
/// provision writes) mounts something else than the mountpoint asked for. Docker serves one
/// store, and its drop-in can name only one: provision of a second store would point Docker
/// away from the first and a plain provision back again (attack 9, the drop-in flip-flopping
/// between two stores). `StoreElsewhere` is the other half: a store mounted elsewhere that has
/// no line yet. Another tree's store (a nested --root) has its line in its own fstab, and an
/// admin's own line carries no ordering option: neither counts.
public struct FinishedStoreElsewhere: Sendable, Equatable {
    /// The line's number (from 1) and its text as the file holds it.
    public var lineNumber: Int
    public var line: String
    public var entry: FstabEntry

    /// The first dockstore line in `fstab` mounting at another place than `mountpoint`.
    public static func find(fstab: FstabFile, mountpoint: HostPath) -> FinishedStoreElsewhere? {
        for (index, line) in fstab.lines.enumerated() {
            guard let entry = line.entry, entry.fstype == "btrfs", entry.options.contains(ProvisionRequest.orderingOption),
                  !entry.normalizedTarget.sameBytes(mountpoint.string) else { continue }
            return FinishedStoreElsewhere(lineNumber: index + 1, line: ShownBytes.text(line.raw), entry: entry)
        }
        return nil
    }

    /// provision's refusal: one line naming the fstab line and the ways out.
    public func refusal(asked mountpoint: HostPath, host: Host) -> DockStoreError {
        let rootFlags = host.root == "/" ? "" : " --root \(host.root)"
        let at = "--mountpoint \(entry.normalizedTarget)" + (entry.normalizedSource.hasPrefix("/") ? " --image \(entry.normalizedSource)" : "")
        let target: String
        do { target = host.real(try HostPath(entry.normalizedTarget, what: "fstab's mountpoint")) } catch { target = entry.normalizedTarget }
        return DockStoreError.refused("\(host.real(HostPaths.fstab)) line \(lineNumber) ('\(line)') mounts a store dockstore set up at \(target), not at \(host.real(mountpoint)): dockstore keeps one store per root (Docker's drop-in names one); keep that one (dockstore provision \(at)\(rootFlags)) or take it down first (dockstore teardown \(at)\(rootFlags)), then re-run; nothing was changed")
    }
}
